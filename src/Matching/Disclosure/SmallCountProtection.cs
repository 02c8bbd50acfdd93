namespace Matchmaker.Matching.Disclosure;

/// <summary>
/// The counts one page (and its export) publishes, and the sums that tie them together (a row's total is the sum of its
/// cells; a total on one table can be the sum of totals on another). Hides every count from 1 to 4 (primary
/// suppression), then hides more counts (secondary, complementary suppression) until neither the sums nor the visible
/// counts let anyone calculate a hidden count back: no hidden count is a combination of the equations, and where a
/// sum's total is visible, the hidden counts in it add up to at least the threshold.
/// </summary>
public sealed class SmallCountProtection
{
    /// <summary>Counts below this (and above zero) are never shown.</summary>
    public const int Threshold = 5;

    private readonly List<int> _values = [];
    private readonly List<(int Total, int[] Parts)> _sums = [];
    private readonly Dictionary<string, int> _named = new(StringComparer.Ordinal);
    private bool[] _hiddenBefore = [];

    /// <summary>Adds a published count; returns its cell number.</summary>
    public int Count(int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _values.Add(value);
        return _values.Count - 1;
    }

    /// <summary>
    /// Adds a count that more than one table publishes (a region's waiting children on its own page and in the national
    /// table), named the same wherever it is counted: one cell, so that what one table hides no other shows.
    /// </summary>
    public int Count(string name, int value)
    {
        if (!_named.TryGetValue(name, out var cell))
        {
            _names = null;
            return _named[name] = Count(value);
        }
        if (_values[cell] != value)
            throw new InvalidOperationException($"'{name}' is counted as {_values[cell]} and as {value}: the tables do not stand on one moment.");
        return cell;
    }

    /// <summary>Declares that the count <paramref name="total"/> is published as the sum of <paramref name="parts"/>.</summary>
    public void Sum(int total, IReadOnlyList<int> parts)
    {
        if (parts.Count == 0) return;
        if (parts.Append(total).Any(c => c < 0 || c >= _values.Count)) throw new ArgumentOutOfRangeException(nameof(parts), "Unknown cell.");
        if (parts.Sum(p => _values[p]) != _values[total])
            throw new ArgumentException($"Cell {total} ({_values[total]}) is not the sum of its parts ({parts.Sum(p => _values[p])}).", nameof(parts));
        _sums.Add((total, parts.ToArray()));
    }

    public int ValueOf(int cell) => _values[cell];

    /// <summary>The cell's name, if it was counted under one.</summary>
    public string? NameOf(int cell) => (_names ??= _named.ToDictionary(named => named.Value, named => named.Key)).GetValueOrDefault(cell);
    private Dictionary<int, string>? _names;

    /// <summary>Every named cell, by name.</summary>
    public IReadOnlyDictionary<string, int> Named => _named;

    public static bool IsSmall(int value) => value is > 0 and < Threshold;

    /// <summary>
    /// Which cells to hide. Deterministic: the same counts and sums (and the same <paramref name="hiddenBefore"/>) give
    /// the same cells. Where another count must be hidden to protect a small one, a count named in
    /// <paramref name="hiddenBefore"/> (the cells the day before hid) is chosen before any other that is not zero, so that
    /// day after day the same counts stay hidden where they still serve, and one day's page does not show what the
    /// other's hides.
    /// </summary>
    public bool[] Protect(IReadOnlySet<string>? hiddenBefore = null)
    {
        _hiddenBefore = new bool[_values.Count];
        foreach (var (name, cell) in _named)
            _hiddenBefore[cell] = hiddenBefore?.Contains(name) == true;
        var hidden = _values.Select(IsSmall).ToArray();
        while (HideOneMore(hidden)) { }
        return hidden;
    }

    private bool HideOneMore(bool[] hidden)
    {
        // Where a total is visible, the hidden parts' sum is known: it must not be a small count itself.
        foreach (var (total, parts) in _sums)
        {
            if (hidden[total] || !IsSmall(parts.Where(p => hidden[p]).Sum(p => _values[p]))) continue;
            hidden[Cheapest(parts.Where(p => !hidden[p])) ?? total] = true;
            return true;
        }
        var determined = Derivation.Determined(_sums, hidden);
        for (var cell = 0; cell < _values.Count; cell++)
        {
            if (!hidden[cell] || !IsSmall(_values[cell]) || !determined[cell]) continue;
            hidden[NearestVisible(hidden, cell)] = true;
            return true;
        }
        return false;
    }

    /// <summary>
    /// The cell whose hiding loses least: one hidden the day before (if not much larger than the smallest), then the
    /// smallest non-zero count, then a zero (a hidden zero adds nothing to what the hidden cells of a sum add up to).
    /// </summary>
    private int? Cheapest(IEnumerable<int> cells) => InOrderOfCost(cells).Cast<int?>().FirstOrDefault();

    private IOrderedEnumerable<int> InOrderOfCost(IEnumerable<int> cells)
    {
        var candidates = cells.ToList();
        // The day before's cell comes first only where it costs about as little as the cheapest: else a large count hidden
        // once would stay hidden for good, in place of a small one.
        var cheapest = candidates.Where(c => _values[c] > 0).Select(c => _values[c]).DefaultIfEmpty(0).Min();
        var affordable = Math.Max(2 * cheapest, cheapest + 10);
        return candidates.OrderBy(c => _values[c] == 0).ThenBy(c => !(_hiddenBefore[c] && _values[c] <= affordable)).ThenBy(c => _values[c]).ThenBy(c => c);
    }

    /// <summary>
    /// The visible cell to hide so that <paramref name="cell"/> is no longer determined: searching outwards through the
    /// sums joined by hidden cells (the sums that together determine it), parts before totals (hiding a total hides more
    /// of what the page is for), the cheapest first (<see cref="Cheapest"/>); the first that alone is enough, else the first.
    /// </summary>
    private int NearestVisible(bool[] hidden, int cell)
    {
        var reached = new HashSet<int> { cell };
        var frontier = new List<int> { cell };
        var used = new HashSet<int>();
        var parts = new List<int>();
        var totals = new List<int>();
        while (frontier.Count > 0)
        {
            var touching = Enumerable.Range(0, _sums.Count).Where(s => !used.Contains(s) && frontier.Any(c => _sums[s].Total == c || _sums[s].Parts.Contains(c))).ToList();
            used.UnionWith(touching);
            var layer = touching.SelectMany(s => _sums[s].Parts).Where(p => !hidden[p] && !parts.Contains(p)).Distinct();
            parts.AddRange(InOrderOfCost(layer));
            totals.AddRange(touching.Select(s => _sums[s].Total).Where(t => !hidden[t] && !totals.Contains(t)).Distinct());
            frontier = touching.SelectMany(s => _sums[s].Parts.Append(_sums[s].Total)).Where(c => hidden[c] && reached.Add(c)).ToList();
        }
        var candidates = parts.Concat(totals.Where(t => !parts.Contains(t))).ToList();
        // Every sum around the cell is hidden entirely: then the sums are homogeneous and cannot determine a count above zero.
        if (candidates.Count == 0) throw new InvalidOperationException($"Cell {cell} is determined but no visible cell is left around it.");
        foreach (var candidate in candidates)
        {
            hidden[candidate] = true;
            var enough = !Derivation.Determined(_sums, hidden)[cell];
            hidden[candidate] = false;
            if (enough) return candidate;
        }
        return candidates[0];
    }
}
