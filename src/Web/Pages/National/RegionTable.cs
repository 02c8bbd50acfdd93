using Matchmaker.Silo.Figures;

namespace Matchmaker.Web.Pages.National;

/// <summary>
/// The regions' table sorted by one of its columns. A hidden count is never ordered by its value (the order would tell
/// what the "x" hides): hidden cells come after every shown one, in either direction, by region name.
/// </summary>
public sealed class RegionTable(IReadOnlyDictionary<string, RegionPopulations.Latest> population)
{
    public sealed record Column(string Name, string Label, bool DescendingFirst, Func<NationalFigures.RegionRow, double?> Value);

    /// <summary>The share of the region's waiting children waiting past the 3-month norm, in whole percents; null when a count is hidden or none wait.</summary>
    public static int? PercentOverNorm(NationalFigures.RegionRow row) =>
        row.Waiting.Hidden || row.OverThreeMonths.Hidden || row.Waiting.Value == 0
            ? null : (int)Math.Round(100.0 * row.OverThreeMonths.Value / row.Waiting.Value, MidpointRounding.AwayFromZero);

    /// <summary>Children (0 to 17) of the region, or of the country (the total row) when every region of <paramref name="regions"/> has them; null when not loaded.</summary>
    public long? Children(NationalFigures.RegionRow row, IReadOnlyList<NationalFigures.RegionRow> regions) =>
        row.Code != "" ? population.GetValueOrDefault(row.Code)?.Children
        : regions.Count > 0 && regions.All(r => population.ContainsKey(r.Code)) ? regions.Sum(r => (long)population[r.Code].Children) : null;

    /// <summary>Waiting children per 10,000 children of the region, to one decimal; null when the count is hidden or no population is loaded.</summary>
    public double? WaitingPer10000(NationalFigures.RegionRow row, IReadOnlyList<NationalFigures.RegionRow> regions) =>
        row.Waiting.Hidden || Children(row, regions) is not { } children ? null : Math.Round(10_000.0 * row.Waiting.Value / children, 1);

    /// <summary>The years of the population figures shown: "2026", "2025 en 2026", "2024, 2025 en 2026".</summary>
    public string PopulationYears
    {
        get
        {
            var years = population.Values.Select(p => p.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToList();
            return years.Count <= 1 ? string.Concat(years) : $"{string.Join(", ", years[..^1])} en {years[^1]}";
        }
    }

    public bool HasPopulation => population.Count > 0;

    private static double? Shown(ProtectedCount count) => count.Hidden ? null : count.Value;

    public static readonly Column Region = new("regio", "Jeugdregio", false, _ => 0);

    public IReadOnlyList<Column> Columns =>
    [
        Region,
        new("wachtend", "Wachtend", true, row => Shown(row.Waiting)),
        .. HasPopulation ? [new Column("per-10000", "Wachtend per 10.000 kinderen", true, row => WaitingPer10000(row, []))] : Array.Empty<Column>(),
        new("over-norm", "Over 3-maandennorm", true, row => Shown(row.OverThreeMonths)),
        new("procent-over-norm", "% over de norm", true, row => PercentOverNorm(row)),
        new("vrij", "Vrije plekken", true, row => row.FreeUnits),
        new("buiten-regio", "Buiten eigen regio geplaatst", true, row => Shown(row.PlacedOutsideRegion)),
    ];

    /// <summary>The column an address names; the region's name for none or an unknown one.</summary>
    public Column ColumnNamed(string? name) => Columns.FirstOrDefault(c => c.Name == name) ?? Region;

    public static IReadOnlyList<NationalFigures.RegionRow> Sorted(IEnumerable<NationalFigures.RegionRow> rows, Column column, bool descending)
    {
        var byName = StringComparer.OrdinalIgnoreCase;
        if (column == Region)
            return descending ? [.. rows.OrderByDescending(r => r.Name, byName)] : [.. rows.OrderBy(r => r.Name, byName)];
        var shown = rows.Where(r => column.Value(r) is not null);
        var ordered = descending ? shown.OrderByDescending(r => column.Value(r)) : shown.OrderBy(r => column.Value(r));
        return [.. ordered.ThenBy(r => r.Name, byName), .. rows.Where(r => column.Value(r) is null).OrderBy(r => r.Name, byName)];
    }
}
