#!/usr/bin/python3
"""Times scipy's linear_sum_assignment on a matrix written by the load-test console's `matrix` command.

Usage: /usr/bin/python3 loadtests/scipy/linear_sum_assignment.py MATRIX.npy [REPEAT]
Needs Debian's python3-scipy (apt-get install python3-scipy). Reading the matrix is not timed: the kernel alone is.
"""
import statistics
import sys
import time

import numpy
import scipy
from scipy.optimize import linear_sum_assignment

FORBIDDEN = 1e300


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cost = numpy.load(sys.argv[1])
    repeat = int(sys.argv[2]) if len(sys.argv) == 3 else 50
    rows, columns = cost.shape
    units = columns - rows

    started = time.perf_counter()
    row_ind, col_ind = linear_sum_assignment(cost)
    cold = (time.perf_counter() - started) * 1000
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        linear_sum_assignment(cost)
        warm.append((time.perf_counter() - started) * 1000)

    placed = row_ind[(col_ind < units) & (cost[row_ind, col_ind] < FORBIDDEN)]
    rows_file = sys.argv[1][:-len(".npy")] + ".rows.npy" if sys.argv[1].endswith(".npy") else None
    scored = ""
    if rows_file:
        priority_and_waiting = numpy.load(rows_file)
        by_priority = [int(numpy.sum(priority_and_waiting[placed, 0] == p)) for p in (1, 2, 3)]
        scored = f" {by_priority}, waiting days {int(numpy.sum(priority_and_waiting[placed, 1]))}"
    print(f"scipy {scipy.__version__}, numpy {numpy.__version__}: {rows} x {columns} ({units} units); placed {len(placed)}{scored}; "
          f"first {cold:.2f} ms, median {statistics.median(warm):.2f} ms over {repeat} runs "
          f"(fastest {min(warm):.2f} ms, slowest {max(warm):.2f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
