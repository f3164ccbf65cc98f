"""Graph algorithms the reasoner needs: strongly connected components.

Used twice: on the rule dependency graph (stratification) and on the graph of
derived facts and their derived premises (confidence). The second can have a
million nodes, so the algorithm is Tarjan's, written with an explicit stack
instead of recursion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def strongly_connected(
    edges: Sequence[Sequence[int]], order: Iterable[int] | None = None
) -> list[list[int]]:
    """Strongly connected components of nodes ``0..len(edges)-1``, each listed after every
    component it has edges to; roots are visited in ``order`` (default: by number)."""
    index = [-1] * len(edges)
    low = [0] * len(edges)
    on_stack = bytearray(len(edges))
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(len(edges)) if order is None else order:
        if index[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = 1
            if child < len(edges[node]):
                work.append((node, child + 1))
                nxt = edges[node][child]
                if index[nxt] < 0:
                    work.append((nxt, 0))
                elif on_stack[nxt]:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack[member] = 0
                    component.append(member)
                    if member == node:
                        break
                out.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return out


__all__ = ["strongly_connected"]
