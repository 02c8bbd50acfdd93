using Dapper;
using Matchmaker.Matching;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// Every region's aggregates side by side, for one care type or all: children waiting, waiting past the 3-month norm,
/// free places in the region, and placements outside the child's own region in the last 12 months; with the national
/// totals. Counts of children are protected as on the municipality's page: no hidden count follows from the totals.
/// </summary>
public sealed class NationalFigures
{
    public sealed record RegionRow(string Code, string Name, double Lat, double Lon, ProtectedCount Waiting, ProtectedCount OverThreeMonths,
        int FreeUnits, ProtectedCount PlacedOutsideRegion);

    public required string? CareType { get; init; }
    public required IReadOnlyList<RegionRow> Regions { get; init; }
    public required RegionRow Total { get; init; }

    /// <summary>The figures as published: every hidden count's value set to 0, so a stored snapshot holds only what is shown.</summary>
    public NationalFigures Published()
    {
        static ProtectedCount P(ProtectedCount count) => count.Hidden ? new ProtectedCount(0, true) : count;
        static RegionRow Row(RegionRow row) => row with { Waiting = P(row.Waiting), OverThreeMonths = P(row.OverThreeMonths), PlacedOutsideRegion = P(row.PlacedOutsideRegion) };
        return new NationalFigures { CareType = CareType, Regions = Regions.Select(Row).ToList(), Total = Row(Total) };
    }
}

/// <summary>Reads the <see cref="NationalFigures"/>: every region's open requests, free places and placements, protected as one table.</summary>
public sealed class NationalOverview(Database database, TimeProvider clock)
{
    private sealed class RegionFacts
    {
        public string Code { get; init; } = "";
        public string Name { get; init; } = "";
        public double Lat { get; init; }
        public double Lon { get; init; }
    }

    private sealed class WaitingRow
    {
        public string RegionCode { get; init; } = "";
        public DateOnly MeasureStart { get; init; }
    }

    /// <param name="careType">one care type, or null for all</param>
    public async Task<NationalFigures> ReadAsync(string? careType)
    {
        if (careType is not null && !CareTypes.All.Contains(careType)) throw new ArgumentException($"Unknown care type '{careType}'.", nameof(careType));
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using var connection = await database.OpenAsync();
        var regions = (await connection.QueryAsync<RegionFacts>("SELECT code AS Code, name AS Name, lat AS Lat, lon AS Lon FROM regions ORDER BY name")).ToList();
        var waiting = (await connection.QueryAsync<WaitingRow>("""
            SELECT region_code AS RegionCode, measure_start AS MeasureStart FROM requests
            WHERE status = 'open' AND (@careType IS NULL OR care_type = @careType)
            """, new { careType })).ToLookup(w => w.RegionCode);
        var free = (await MarketRows.OfferingsAsync(connection, null))
            .Where(o => careType is null || o.CareType == careType)
            .GroupBy(o => o.LocationRegion).ToDictionary(g => g.Key, g => g.Sum(o => Math.Max(0, o.FreeUnits)));
        var outside = (await connection.QueryAsync<(string RegionCode, long Count)>("""
            SELECT p.region_code, count(*) FROM placements p
            JOIN offerings o ON o.id = p.offering_id JOIN locations l ON l.id = o.location_id JOIN municipalities m ON m.id = l.municipality_id
            WHERE p.start_date >= @yearAgo AND m.region_code <> p.region_code AND (@careType IS NULL OR o.care_type = @careType)
            GROUP BY p.region_code
            """, new { yearAgo = today.AddYears(-1), careType })).ToDictionary(r => r.RegionCode, r => (int)r.Count);

        var counts = new SmallCountProtection();
        var cells = regions.Select(r => (
            waiting: counts.Count(waiting[r.Code].Count()),
            over: counts.Count(waiting[r.Code].Count(w => WaitingNorms.IsPast(WaitingNorms.Status.OverThreeMonths, w.MeasureStart, today))),
            outside: counts.Count(outside.GetValueOrDefault(r.Code)))).ToList();
        var totals = (waiting: counts.Count(cells.Sum(c => counts.ValueOf(c.waiting))), over: counts.Count(cells.Sum(c => counts.ValueOf(c.over))),
            outside: counts.Count(cells.Sum(c => counts.ValueOf(c.outside))));
        counts.Sum(totals.waiting, cells.Select(c => c.waiting).ToList());
        counts.Sum(totals.over, cells.Select(c => c.over).ToList());
        counts.Sum(totals.outside, cells.Select(c => c.outside).ToList());
        var hidden = counts.Protect();
        ProtectedCount Shown(int cell) => new(counts.ValueOf(cell), hidden[cell]);

        return new NationalFigures
        {
            CareType = careType,
            Regions = regions.Select((r, i) => new NationalFigures.RegionRow(r.Code, r.Name, r.Lat, r.Lon, Shown(cells[i].waiting), Shown(cells[i].over),
                free.GetValueOrDefault(r.Code), Shown(cells[i].outside))).ToList(),
            Total = new NationalFigures.RegionRow("", "Nederland", 0, 0, Shown(totals.waiting), Shown(totals.over), free.Values.Sum(), Shown(totals.outside)),
        };
    }
}
