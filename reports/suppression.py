"""Small counts hidden in published tables, with secondary suppression so no total gives them away.

A table is a set of cells (counts) and the sums that are published with them: a block's subtotal is the sum of its
prefectures, the national total the sum of the blocks. A count under the threshold (and above zero) is hidden
(primary suppression). Then, for every sum, the number of hidden terms in "total = Σ members" must not be exactly
one, or subtraction would reveal it: while any sum has exactly one hidden term, the smallest shown member is hidden
as well (secondary suppression), which may in turn open another sum, until none does.
"""

from collections.abc import Hashable, Iterable

Sums = Iterable[tuple[Hashable, list[Hashable]]]


def suppressed(
    values: dict[Hashable, int | float], sums: Sums, threshold: int, *, published: Iterable[Hashable] = ()
) -> set[Hashable]:
    """The keys of the cells to hide. `sums` lists (total key, member keys); missing values count as zero.

    A sum never keeps exactly one hidden member, even when its total is hidden too: the total may be printed in
    another report (a prefecture's own), and then the one member would follow from it. `published` totals are
    printed whatever their size (e.g. answered counts beside response rates), so they are never hidden.
    """
    sums = [(total, list(members)) for total, members in sums]
    published = set(published)
    hidden = {key for key, value in values.items() if value and 0 < value < threshold and key not in published}
    changed = True
    while changed:
        changed = False
        for total, members in sums:
            hidden_members = sum(member in hidden for member in members)
            if hidden_members != 1 and not (hidden_members == 0 and total in hidden):
                continue
            shown = [member for member in members if member not in hidden]
            if shown:
                # The smallest count that is not zero protects best and costs least; a zero only when nothing else.
                pick = min(shown, key=lambda key: (not values.get(key), values.get(key) or 0, str(key)))
            elif total not in published and total not in hidden:
                pick = total
            else:
                continue  # a single member equal to a printed total: nothing left to hide it among
            hidden.add(pick)
            changed = True
    return hidden


def area_sums(prefecture_blocks: dict[Hashable, Hashable]) -> list[tuple[Hashable, list[Hashable]]]:
    """The sums of a prefecture table: each block over its prefectures, the nation over the blocks.

    Keys are ("prefecture", code), ("block", block) and ("total",).
    """
    blocks: dict = {}
    for prefecture, block in prefecture_blocks.items():
        blocks.setdefault(block, []).append(("prefecture", prefecture))
    sums = [(("block", block), members) for block, members in blocks.items()]
    sums.append((("total",), [("block", block) for block in blocks]))
    return sums
