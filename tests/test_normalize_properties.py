"""Property tests for the pure normalisers: written numbers, dates and durations read back exactly."""
from __future__ import annotations

import datetime
import re
from decimal import Decimal

import cn2an
from hypothesis import given
from hypothesis import strategies as st

from policy_miner.normalize import dates, durations, numbers

_DIGITS = "零一二三四五六七八九"
_MAX = 10**12


def _below_10000(n: int) -> str:
    """1..9999 in Chinese numerals, 零 for each gap (一千零五, 一十二)."""
    out, gap = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit:
            out += ("零" if gap else "") + _DIGITS[digit] + unit
            gap = False
        elif out:
            gap = True
    return out


def chinese(n: int) -> str:
    """n in Chinese numerals as a careful writer puts it (一亿零五万, 一万亿), written independently of
    the parser under test (cn2an.an2cn drops the 零 in 四千零九十三亿零七千零三十九)."""
    for size, scale in ((10**8, "亿"), (10**4, "万")):
        if n >= size:
            high, low = divmod(n, size)
            text = chinese(high) + scale
            if low:
                text += ("零" if low < size // 10 else "") + chinese(low)
            return text
    return _below_10000(n) if n else "零"


integers = st.integers(min_value=0, max_value=_MAX)


@given(integers)
def test_chinese_numerals_read_back(n: int) -> None:
    assert numbers.parse_number(chinese(n)) == n


@given(st.integers(min_value=0, max_value=_MAX))
def test_cn2an_agrees_on_plain_chinese_integers(n: int) -> None:
    """Where cn2an is right (plain Chinese integers) the two readings agree."""
    assert cn2an.cn2an(chinese(n), "normal") == numbers.parse_number(chinese(n))


@given(integers)
def test_digits_read_back(n: int) -> None:
    assert numbers.parse_number(str(n)) == n
    assert numbers.parse_number(f"{n:,}") == n
    full_width = str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert numbers.parse_number(full_width) == n


@given(
    st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from([("万", 10**4), ("亿", 10**8)]),
)
def test_decimal_times_scale_is_exact(value: Decimal, scale: tuple[str, int]) -> None:
    word, factor = scale
    written = format(value, "f")
    assert numbers.parse_number(written + word) == value * factor
    whole, _, fraction = written.partition(".")
    if int(whole) < 10**4:  # 十五点八万 is written; 一万点五万 is not
        cn = chinese(int(whole)) + ("点" + "".join(_DIGITS[int(d)] for d in fraction) if fraction else "")
        assert numbers.parse_number(cn + word) == value * factor


@given(st.integers(min_value=0, max_value=_MAX))
def test_number_re_matches_written_numbers_whole(n: int) -> None:
    for written in (chinese(n), f"{n:,}"):
        assert re.fullmatch(numbers.NUMBER_RE, written)


@given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_dates_read_back(day: datetime.date) -> None:
    written = f"{day.year}年{day.month}月{day.day}日"
    assert re.fullmatch(dates.DATE_RE, written)
    assert dates.parse_date(written) == day.isoformat()
    assert dates.parse_date(f"{day.month}月{day.day}日") == "XXXX" + day.isoformat()[4:]
    assert dates.parse_date(f"{day.year} 年底") == f"{day.year}-12"


@given(st.integers(min_value=3, max_value=19))
def test_plan_periods_follow_each_other(n: int) -> None:
    start, end = dates.plan_period(n)
    assert end - start == 4 and dates.plan_period(n + 1)[0] == end + 1


@given(
    st.integers(min_value=1, max_value=10**4),
    st.sampled_from([("年", "P{}Y"), ("个月", "P{}M"), ("周", "P{}W"), ("天", "P{}D"),
                     ("个工作日", "P{}D"), ("小时", "PT{}H"), ("分钟", "PT{}M"), ("秒", "PT{}S")]),
)
def test_durations_read_back(n: int, unit: tuple[str, str]) -> None:
    word, iso = unit
    assert durations.parse_duration_text(f"{n}{word}") == iso.format(n)
    assert durations.parse_duration_text(f"{chinese(n)}{word}") == iso.format(n)
    assert durations.parse_duration(Decimal(n), word) == iso.format(n)


_NEAR_MISSES = st.text(alphabet="零〇一二两三四五六七八九十百千万亿点余多几数上0123456789.,%年月日号时分底初末前内今明“”期个半小周岁 ")


@given(st.one_of(st.text(), _NEAR_MISSES))
def test_parsers_never_raise(text: str) -> None:
    numbers.parse_number(text)
    numbers.parse_vague(text)
    numbers.parse_range_words(text)
    numbers.parse_percent(text)
    dates.parse_date(text)
    dates.parse_date(text, 2022)
    durations.parse_duration_text(text)
