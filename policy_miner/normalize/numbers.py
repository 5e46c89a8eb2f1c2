"""Numbers as written in Chinese policy text -> exact ``Decimal`` values.

Policy texts mix Arabic digits, Chinese numerals and scale words in one number (``3541.07万``,
``十五点八万``, ``13万2``, ``两千余``). Amounts of money must come out exact, so every value is
built with ``Decimal`` and never through a float product.

cn2an is not used here: it returns floats for decimals, raises on ``十五点八万``, ``两千余`` and
``20多万``, reads ``13万2`` only in its "smart" mode and raises ``KeyError`` on some of its own
``an2cn`` output. One small token parser covers digits, numerals and their mixtures alike; the
tests check it against cn2an where cn2an is right (plain Chinese integers).

``NUMBER_RE`` and ``VAGUE_RE`` are regex fragments without capturing groups, for the extractor
to embed in its own patterns; the ``parse_*`` functions take one lexeme and never raise.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

_CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3, "四": 4,
    "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10**4, "亿": 10**8}
# Digits read one by one (二〇二五 = 2025); 两 never appears in such readings.
_PLAIN_DIGITS = "零〇一二三四五六七八九"

_ARABIC = r"(?:[0-9０-９]{1,3}(?:,[0-9]{3})+|[0-9０-９]+)(?:[.．][0-9０-９]+)?"
# 千 followed by 米/克/瓦 is the unit km/kg/kW, not a scale.
_KILO = r"千(?![米克瓦])"
_SCALE = rf"(?:万亿|千万|百万|亿|万|{_KILO}|百)"
_CN_CHAR = rf"(?:[零〇一二两三四五六七八九十百万亿壹贰叁肆伍陆柒捌玖拾佰仟]|{_KILO})"

NUMBER_RE: str = (
    # digits, an optional scale (a 余/多 may sit before it: 20多万), then a colloquial tail (13万2)
    rf"(?:{_ARABIC}(?:[余多]?{_SCALE}(?:(?<=[万亿])[0-9０-９](?:{_KILO}|百)?(?![0-9０-９]))?)?"
    # or a run of Chinese numerals with an optional decimal part (十五点八万)
    rf"|{_CN_CHAR}+(?:点[{_PLAIN_DIGITS}]+[万亿]*)?)"
)
"""One number lexeme. A trailing 余/多 (``6亿余``, ``两千余``) is left to the extractor."""

VAGUE_RE: str = (
    r"(?:成千上万|数以[十百千万亿]+计|[上成][十百千万亿]+"
    r"|(?:[一二两三四五六七八九]?[十百千])?几[十百千万亿]*|数[十百千万亿]*)"
)
"""A vague amount with no number to give: 几十, 数百, 上万, 十几, 数十万, 几, 数, 成千上万."""

_TOKEN = re.compile(
    rf"(?P<arabic>[0-9]+(?:\.[0-9]+)?)|点(?P<fraction>[{_PLAIN_DIGITS}]+)"
    rf"|(?P<digit>[{''.join(_CN_DIGITS)}])|(?P<small>[{''.join(_SMALL_UNITS)}])|(?P<big>[万亿])"
)
_TOKENS = re.compile(rf"(?:{_TOKEN.pattern})+")
# A 余/多 after the digits means "more than"; the value stated is the number without it.
_MORE_THAN = re.compile(r"(?<=.)[余多](?=[万亿]*$)")
# A plain number with at most one scale (``2025``, ``18.7``, ``3541.07万``): nothing to clean, and
# the token reader adds zeros to it or to its product with the scale. Those sums and products are
# exact while they keep no more digits than the (default) decimal context, 28: 19 and 亿's 9.
_PLAIN = re.compile(r"([0-9]+(?:\.[0-9]+)?)([百千万亿]?)")
_PLAIN_SCALES = {"": 1, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}
_EXACT_DIGITS = 19
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3}(?:[^0-9]|$))")


def _clean(s: str) -> str:
    """Fold full-width characters, drop thousands commas and a 余/多 after the digits."""
    text = unicodedata.normalize("NFKC", s).strip()
    text = _THOUSANDS.sub("", text)
    return _MORE_THAN.sub("", text, count=1)


def parse_number(s: str) -> Decimal | None:
    """Exact value of one number lexeme, or None when it is not one (or is vague).

    Accepts digits (half or full width, thousands commas, decimals), Chinese numerals (also the
    financial capitals 壹贰叁), and mixtures with 十百千万亿 (``3541.07万``, ``十五点八万``, ``1亿2千万``).
    A colloquial single-digit tail counts in the next lower place (``13万2`` = 132000,
    ``一千二`` = 1200); a tail that writes out every place below its unit adds as it stands
    (``3万5000`` = 35000); any other tail (``1万25``) has no safe reading. A numeral string without units is read digit by digit (``二〇二五`` = 2025).
    One 余 or 多 after the digits is accepted and dropped (``两千余`` = 2000, ``20多万`` = 200000,
    ``6亿余`` = 600000000): the value is the stated lower bound; the caller reads the bound
    from the surface text.
    """
    plain = _PLAIN.fullmatch(s) if len(s) <= _EXACT_DIGITS else None
    if plain:  # what the token reader makes of a plain number and one scale, computed directly
        return _canonical(Decimal(plain.group(1)) * _PLAIN_SCALES[plain.group(2)])
    text = _clean(s)
    if not text or not _TOKENS.fullmatch(text):
        return None
    if len(text) > 1 and all(ch in _PLAIN_DIGITS for ch in text):
        return Decimal("".join(str(_CN_DIGITS[ch]) for ch in text))
    return _read_tokens(text)


def _read_tokens(text: str) -> Decimal | None:
    """Add up coefficient x unit groups below 万, per 万 and per 亿, as Chinese numbers are written."""
    total = section = group = Decimal(0)  # the 亿 part, the 万 part, the part below 万
    number: Decimal | None = None  # the coefficient waiting for its unit
    small_unit = 10**4  # the last 十/百/千 in this group: they must come in falling order
    last_unit = 1
    seen_wan = seen_yi = after_zero = fractional = False
    tail_is_digit = False
    tail_digits = 0  # how many Arabic digits the last coefficient was written with
    for token in _TOKEN.finditer(text):
        kind, value = token.lastgroup, token.group(token.lastgroup)
        if kind in ("arabic", "digit"):
            if kind == "digit" and _CN_DIGITS[value] == 0:
                if number is not None:
                    return None
                after_zero = True
                continue
            if number is not None or fractional:
                return None
            number = Decimal(value) if kind == "arabic" else Decimal(_CN_DIGITS[value])
            fractional = "." in value
            tail_is_digit = len(value) == 1
            tail_digits = len(value) if kind == "arabic" else 0
        elif kind == "fraction":
            if fractional or (number is None and group == 0 and not after_zero):
                return None
            digits = "".join(str(_CN_DIGITS[ch]) for ch in value)
            number = (number or Decimal(0)) + Decimal("0." + digits)
            fractional = True
        elif kind == "small":
            unit = _SMALL_UNITS[value]
            if number is None:
                if unit != 10 or group != 0:
                    return None
                number = Decimal(1)  # 十二, 十万: a leading 十 means 一十
            if unit >= small_unit:
                return None
            group += number * unit
            number, small_unit, last_unit, after_zero = None, unit, unit, False
        else:
            unit = _BIG_UNITS[value]
            amount = group + (number or 0)
            if number is None and group == 0 and not (unit == 10**8 and section):
                return None
            if unit == 10**4:
                if seen_wan:
                    return None
                section, seen_wan = amount * unit, True
            else:
                if seen_yi:
                    return None
                total, section, seen_yi, seen_wan = (section + amount) * unit, Decimal(0), True, False
            group, number, small_unit, last_unit, after_zero = Decimal(0), None, 10**4, unit, False
    if number is not None and last_unit > 1 and not after_zero:
        if fractional:
            # 二十二点五 and 一百点五 are plain; 13万2.5 has no safe reading
            if not (last_unit == 10 or (number < 1 and last_unit < 10**4)):
                return None
        elif tail_is_digit:
            number = number * last_unit / 10  # colloquial: 一千二 = 1200, 13万2 = 132000
        elif tail_digits != len(str(last_unit)) - 1:
            return None  # 1万25: no safe reading
        # else every place below the unit is written out: 3万5000 = 35000, 12万0500 = 120500
    return _canonical(total + section + group + (number or 0))


def _canonical(value: Decimal) -> Decimal:
    """An integral value as an integer (``5.0`` -> 5), any other without trailing zeros."""
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def parse_vague(s: str) -> tuple[Decimal | None, str] | None:
    """(lower value or None, bound) for a vague amount; None when ``s`` is not one.

    上万 / 上百万 / 成百 state a floor: (10000, "min"). 几十, 数百, 十几万, 成千上万 give no
    number (SPEC: value null, bound approx): (None, "approx").
    """
    text = unicodedata.normalize("NFKC", s).strip()
    if not re.fullmatch(VAGUE_RE, text):
        return None
    floor = re.fullmatch(r"[上成]([十百千万亿]+)", text)
    if floor:
        return Decimal(_scale_value(floor.group(1))), "min"
    return None, "approx"


def _scale_value(scales: str) -> int:
    """Value of a run of scale characters as written in compounds: 十万 = 10**5, 万亿 = 10**12."""
    value = 1
    for ch in scales:
        value *= _SMALL_UNITS.get(ch) or _BIG_UNITS[ch]
    return value


_RANGE = re.compile(
    r"(?P<prefix>.*?)(?P<low>[一二两三四五六七八九])(?P<high>[二两三四五六七八九])"
    r"(?P<inner>[十百千]?)(?P<outer>[万亿]*)"
)


def parse_range_words(s: str) -> tuple[Decimal, Decimal] | None:
    """Ranges written as two adjacent numerals: 两三 = (2, 3), 三四十 = (30, 40), 五六百 = (500, 600).

    A leading number (十七八 = 17 to 18, 一百五六十 = 150 to 160) and a trailing scale
    (三四十万 = 300000 to 400000) are understood. None when ``s`` is not such a range.
    """
    match = _RANGE.fullmatch(unicodedata.normalize("NFKC", s).strip())
    if not match:
        return None
    low, high = _CN_DIGITS[match["low"]], _CN_DIGITS[match["high"]]
    if low >= high:
        return None
    prefix = Decimal(0)
    if match["prefix"]:
        if match["prefix"][-1] not in _SMALL_UNITS and match["prefix"][-1] not in _BIG_UNITS:
            return None
        parsed = parse_number(match["prefix"])
        if parsed is None:
            return None
        prefix = parsed
    inner = _scale_value(match["inner"])
    outer = _scale_value(match["outer"])
    return (prefix + low * inner) * outer, (prefix + high * inner) * outer


_PERCENT = re.compile(r"(?P<sign>百分之|千分之)(?P<cn>.+)|(?P<digits>.+?)(?P<mark>[%‰])")


def parse_percent(s: str) -> Decimal | None:
    """The number of percent in ``18.7%`` (18.7), ``百分之七十`` (70), ``千分之五`` (0.5); else None."""
    match = _PERCENT.fullmatch(unicodedata.normalize("NFKC", s).strip())
    if not match:
        return None
    number = parse_number(match["cn"] or match["digits"])
    if number is None:
        return None
    per_mille = (match["sign"] or match["mark"]) in ("千分之", "‰")
    return number / 10 if per_mille else number


def to_json_number(d: Decimal) -> int | float:
    """int when integral, else a float rounded to 10 decimal places so no binary noise shows."""
    if d.is_finite() and d == d.to_integral_value():
        return int(d)
    return round(float(d), 10)
