using System.Numerics;

namespace Matchmaker.Tests.Disclosure;

/// <summary>
/// What someone with only the published figures can calculate: the sums a table publishes (a total is its parts added
/// up) as linear equations over the hidden cells, solved exactly (fractions of big integers). Reports every hidden
/// cell whose value follows, and every visible total whose hidden parts together are a small count.
/// Written apart from the product's own protection, so that it checks it rather than repeats it.
/// </summary>
public sealed class SubtractionAttack
{
    private readonly Dictionary<string, long?> _cells = [];
    private readonly List<(string Total, string[] Parts)> _sums = [];

    /// <summary>A published cell: its number, or null where it shows as hidden.</summary>
    public void Cell(string name, long? published) => _cells.Add(name, published);

    public void Sum(string total, params string[] parts) => _sums.Add((total, parts));

    public sealed record Finding(string What, long Value);

    public IReadOnlyList<Finding> Findings()
    {
        var findings = new List<Finding>();
        foreach (var (total, parts) in _sums)
        {
            if (_cells[total] is not { } known || parts.All(p => _cells[p] is not null)) continue;
            var hiddenSum = known - parts.Sum(p => _cells[p] ?? 0);
            findings.Add(new Finding($"the hidden parts of {total} add up to", hiddenSum));
        }

        var unknowns = _cells.Where(c => c.Value is null).Select(c => c.Key).ToList();
        var column = unknowns.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i);
        var rows = new List<Fraction[]>();
        foreach (var (total, parts) in _sums)
        {
            // total - parts = 0, the known cells moved to the right-hand side (the last column).
            var row = Enumerable.Repeat(Fraction.Zero, unknowns.Count + 1).ToArray();
            foreach (var (cell, sign) in parts.Select(p => (p, -1)).Append((total, 1)))
            {
                if (_cells[cell] is { } value) row[^1] -= new Fraction(sign * value);
                else row[column[cell]] += new Fraction(sign);
            }
            rows.Add(row);
        }

        var pivots = new List<(int Row, int Column)>();
        var next = 0;
        for (var c = 0; c < unknowns.Count && next < rows.Count; c++)
        {
            var found = Enumerable.Range(next, rows.Count - next).FirstOrDefault(r => !rows[r][c].IsZero, -1);
            if (found < 0) continue;
            (rows[next], rows[found]) = (rows[found], rows[next]);
            var pivot = rows[next][c];
            rows[next] = rows[next].Select(v => v / pivot).ToArray();
            for (var r = 0; r < rows.Count; r++)
            {
                if (r == next || rows[r][c].IsZero) continue;
                var factor = rows[r][c];
                rows[r] = rows[r].Select((v, k) => v - factor * rows[next][k]).ToArray();
            }
            pivots.Add((next++, c));
        }
        var pivotColumns = pivots.Select(p => p.Column).ToHashSet();
        foreach (var (row, c) in pivots)
        {
            var alone = Enumerable.Range(0, unknowns.Count).All(k => k == c || pivotColumns.Contains(k) || rows[row][k].IsZero);
            if (alone) findings.Add(new Finding($"hidden cell {unknowns[c]} is", rows[row][^1].ToLong()));
        }
        return findings;
    }

    /// <summary>The findings that give away a small count (1 to 4).</summary>
    public IReadOnlyList<Finding> SmallCountsFound() => Findings().Where(f => f.Value is > 0 and < 5).ToList();

    private readonly record struct Fraction(BigInteger Numerator, BigInteger Denominator)
    {
        public static readonly Fraction Zero = new(0);

        public Fraction(BigInteger whole) : this(whole, BigInteger.One) { }

        public bool IsZero => Numerator.IsZero;

        private static Fraction Normal(BigInteger n, BigInteger d)
        {
            if (d.Sign < 0) (n, d) = (-n, -d);
            var g = BigInteger.GreatestCommonDivisor(n, d);
            return g.IsZero || g.IsOne ? new Fraction(n, d) : new Fraction(n / g, d / g);
        }

        public static Fraction operator +(Fraction a, Fraction b) => Normal(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);
        public static Fraction operator -(Fraction a, Fraction b) => Normal(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);
        public static Fraction operator *(Fraction a, Fraction b) => Normal(a.Numerator * b.Numerator, a.Denominator * b.Denominator);
        public static Fraction operator /(Fraction a, Fraction b) => Normal(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

        public long ToLong() => Denominator.IsOne ? (long)Numerator : -1;
    }
}
