"""Phone numbers on the published site: masked unless the deployment says otherwise.

A mainland mobile number is 11 digits starting with 1[3-9]; it is masked
everywhere it appears in record text (139****5678), whatever separators or
+86 prefix it was written with, so the full number reaches no page and no
search index. An office number in the contact field keeps its area code and
shows only the first digits of the local number (0931-856****).
"""

from __future__ import annotations

import re

# 1[3-9]x xxxx xxxx, optionally split by spaces or hyphens and prefixed by +86 / 86 / 0086.
MOBILE = re.compile(
    r"(?<![0-9])(?P<head>(?:(?:\+|00)?86[\s-]?)?1[3-9][0-9])[\s-]?[0-9]{4}[\s-]?(?P<tail>[0-9]{4})(?![0-9])"
)
# Area code (0 + 2-3 digits), separator, 7-8 digit local number, optional extension.
LANDLINE = re.compile(
    r"(?<![0-9])(?P<area>0[1-9][0-9]{1,2})(?P<sep>[\s-]?)(?P<local>[0-9]{7,8})(?![0-9])"
)
DIGIT_RUN = re.compile(r"(?<![0-9*])[0-9]{5,}(?![0-9*])")  # not what is masked already


def mask_mobiles(text: str) -> str:
    """Every mobile number in free text becomes 139****5678."""
    return MOBILE.sub(lambda m: f"{m.group('head')}****{m.group('tail')}", text)


def mask_phone(value: str) -> str:
    """The contact field: mobiles as above, office numbers as 0931-856****, and any
    other long run of digits with its last four hidden."""
    text = mask_mobiles(value)
    text = LANDLINE.sub(
        lambda m: f"{m.group('area')}{m.group('sep')}{m.group('local')[:-4]}****", text
    )
    return DIGIT_RUN.sub(lambda m: m.group(0)[:-4] + "****", text)
