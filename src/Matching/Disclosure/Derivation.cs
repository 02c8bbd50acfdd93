namespace Matchmaker.Matching.Disclosure;

/// <summary>
/// What the published sums give away: a hidden cell is determined when some combination of the sums has that cell as
/// its only hidden unknown. Found by bringing the sums' hidden part to reduced row echelon form: a cell is determined
/// when its column has a pivot and that pivot's row has nothing in the free columns.
/// </summary>
public static class Derivation
{
    private const double Tolerance = 1e-9;

    public static bool[] Determined(IReadOnlyList<(int Total, int[] Parts)> sums, bool[] hidden)
    {
        var columns = Enumerable.Range(0, hidden.Length).Where(c => hidden[c]).ToArray();
        var columnOf = new Dictionary<int, int>();
        for (var i = 0; i < columns.Length; i++) columnOf[columns[i]] = i;
        var rows = new List<double[]>();
        foreach (var (total, parts) in sums)
        {
            var row = new double[columns.Length];
            if (hidden[total]) row[columnOf[total]] += 1;
            foreach (var part in parts.Where(p => hidden[p])) row[columnOf[part]] -= 1;
            if (row.Any(v => Math.Abs(v) > Tolerance)) rows.Add(row);
        }

        var pivotRowOf = ReduceToEchelonForm(rows, columns.Length);
        var determined = new bool[hidden.Length];
        for (var c = 0; c < columns.Length; c++)
        {
            if (pivotRowOf[c] is not { } r) continue;
            determined[columns[c]] = Enumerable.Range(0, columns.Length).All(other => other == c || pivotRowOf[other] is not null || Math.Abs(rows[r][other]) < Tolerance);
        }
        return determined;
    }

    /// <summary>Gauss-Jordan elimination in place; returns, per column, the row of its pivot (or null for a free column).</summary>
    private static int?[] ReduceToEchelonForm(List<double[]> rows, int width)
    {
        var pivotRowOf = new int?[width];
        var next = 0;
        for (var c = 0; c < width && next < rows.Count; c++)
        {
            var best = Enumerable.Range(next, rows.Count - next).MaxBy(r => Math.Abs(rows[r][c]));
            if (Math.Abs(rows[best][c]) < Tolerance) continue;
            (rows[next], rows[best]) = (rows[best], rows[next]);
            var pivot = rows[next][c];
            for (var k = 0; k < width; k++) rows[next][k] /= pivot;
            for (var r = 0; r < rows.Count; r++)
            {
                if (r == next || Math.Abs(rows[r][c]) < Tolerance) continue;
                var factor = rows[r][c];
                for (var k = 0; k < width; k++) rows[r][k] -= factor * rows[next][k];
            }
            pivotRowOf[c] = next++;
        }
        return pivotRowOf;
    }
}
