using Dapper;
using Matchmaker.Matching;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// Every region's aggregates side by side, for one care type or all: children waiting, waiting past the 3-month norm,
/// free places in the region, and placements outside the child's own region in the last 12 months; with the national
/// totals. Counts of children are protected as on the municipality's page: no hidden count follows from the totals.
/// </summary>
public sealed class NationalFigures
{
    /// <param name="WaitingAtMonthEnd">children waiting at each of <see cref="MonthEndings"/> (the table of all care types only; the last is <paramref name="Waiting"/>)</param>
    public sealed record RegionRow(string Code, string Name, double Lat, double Lon, ProtectedCount Waiting, ProtectedCount OverThreeMonths,
        int FreeUnits, ProtectedCount PlacedOutsideRegion, IReadOnlyList<ProtectedCount>? WaitingAtMonthEnd = null);

    public required string? CareType { get; init; }
    public required IReadOnlyList<RegionRow> Regions { get; init; }
    public required RegionRow Total { get; init; }
    /// <summary>The last day of each of the last 11 months and the snapshot's day: the 12-month trend (all care types only, else null).</summary>
    public IReadOnlyList<DateOnly>? MonthEndings { get; init; }

    /// <summary>The figures as published: every hidden count's value set to 0, so a stored snapshot holds only what is shown.</summary>
    public NationalFigures Published()
    {
        static ProtectedCount P(ProtectedCount count) => count.Hidden ? new ProtectedCount(0, true) : count;
        static RegionRow Row(RegionRow row) => row with
        {
            Waiting = P(row.Waiting), OverThreeMonths = P(row.OverThreeMonths), PlacedOutsideRegion = P(row.PlacedOutsideRegion),
            WaitingAtMonthEnd = row.WaitingAtMonthEnd?.Select(P).ToList(),
        };
        return new NationalFigures { CareType = CareType, Regions = Regions.Select(Row).ToList(), Total = Row(Total), MonthEndings = MonthEndings };
    }
}

/// <summary>Counts the <see cref="NationalFigures"/>: every region's open requests, free places and placements, protected with the regions' own pages.</summary>
public static class NationalOverview
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
        public string CareType { get; init; } = "";
        public DateOnly MeasureStart { get; init; }
    }

    private sealed record Cells(int Waiting, int Over, int Outside);

    private sealed class HistoryRow
    {
        public string RegionCode { get; init; } = "";
        public DateTimeOffset RegisteredAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
    }

    /// <summary>
    /// Counts the table of all care types first, then one per care type, into <paramref name="counts"/>: a region's count
    /// over all care types is the sum of its counts per care type, and a region's cells are the very cells its own page
    /// counts (<see cref="CellNames"/>), so a count hidden anywhere must not follow from the others. Returns the tables,
    /// once the cells to hide are known.
    /// </summary>
    public static async Task<Func<Func<int, ProtectedCount>, IReadOnlyList<NationalFigures>>> CountAsync(SmallCountProtection counts, FiguresReading reading)
    {
        var (connection, transaction, now) = reading;
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var regions = (await connection.QueryAsync<RegionFacts>("SELECT code AS Code, name AS Name, lat AS Lat, lon AS Lon FROM regions ORDER BY name", transaction: transaction)).ToList();
        var waiting = (await connection.QueryAsync<WaitingRow>("""
            SELECT region_code AS RegionCode, care_type AS CareType, measure_start AS MeasureStart FROM requests WHERE status = 'open'
            """, transaction: transaction)).ToList();
        var trendStart = new DateTimeOffset(new DateTime(now.Year, now.Month, 1), TimeSpan.Zero).AddMonths(-11);
        var history = (await connection.QueryAsync<HistoryRow>("""
            SELECT region_code AS RegionCode, registered_at AS RegisteredAt, closed_at AS ClosedAt FROM requests
            WHERE status <> 'open' AND closed_at >= @trendStart
            """, new { trendStart }, transaction)).ToList();
        var openSince = (await connection.QueryAsync<HistoryRow>("""
            SELECT region_code AS RegionCode, registered_at AS RegisteredAt, closed_at AS ClosedAt FROM requests WHERE status = 'open'
            """, transaction: transaction)).ToList();
        var offerings = await MarketRows.OfferingsAsync(connection, transaction);
        var outside = (await connection.QueryAsync<(string RegionCode, string CareType, long Count)>("""
            SELECT p.region_code, o.care_type, count(*) FROM placements p
            JOIN offerings o ON o.id = p.offering_id JOIN locations l ON l.id = o.location_id JOIN municipalities m ON m.id = l.municipality_id
            WHERE p.start_date >= @yearAgo AND m.region_code <> p.region_code
            GROUP BY p.region_code, o.care_type
            """, new { yearAgo = today.AddYears(-1) }, transaction)).ToList();

        // Every care type of the vocabulary, and any other a row still has (one since retired): the table of all care
        // types is their sum, so none may be left out.
        string?[] careTypes = [null, .. CareTypes.All.Concat(waiting.Select(w => w.CareType)).Concat(outside.Select(o => o.CareType))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        var tables = new List<(string? CareType, List<Cells> Regions, Cells Total)>();
        foreach (var careType in careTypes)
        {
            bool Of(string type) => careType is null || type == careType;
            var cells = regions.Select(r => new Cells(
                counts.Count(CellNames.Waiting(r.Code, careType), waiting.Count(w => w.RegionCode == r.Code && Of(w.CareType))),
                counts.Count(CellNames.PastNorm(r.Code, careType),
                    waiting.Count(w => w.RegionCode == r.Code && Of(w.CareType) && WaitingNorms.IsPast(WaitingNorms.Status.OverThreeMonths, w.MeasureStart, today))),
                counts.Count(CellNames.Of("outside", r.Code, careType ?? ""), (int)outside.Where(o => o.RegionCode == r.Code && Of(o.CareType)).Sum(o => o.Count)))).ToList();
            var total = new Cells(counts.Count(CellNames.Waiting("", careType), cells.Sum(c => counts.ValueOf(c.Waiting))),
                counts.Count(CellNames.PastNorm("", careType), cells.Sum(c => counts.ValueOf(c.Over))),
                counts.Count(CellNames.Of("outside", "", careType ?? ""), cells.Sum(c => counts.ValueOf(c.Outside))));
            TieTogether(counts, total, cells);
            tables.Add((careType, cells, total));
        }
        // The 12-month trend of the table of all care types: each region's children waiting at the end of each of the last
        // 11 months, then now (its waiting cell itself); each month's country total is the sum of its regions.
        var monthEnds = MonthEnds.Before(now);
        var everWaiting = history.Concat(openSince).ToLookup(r => r.RegionCode);
        var monthly = regions.Select((r, i) => monthEnds
            .Select(end => counts.Count(CellNames.WaitingAt(r.Code, null, end), everWaiting[r.Code].Count(w => w.RegisteredAt <= end && (w.ClosedAt is null || w.ClosedAt > end))))
            .Append(tables[0].Regions[i].Waiting).ToList()).ToList();
        var monthlyTotal = Enumerable.Range(0, monthEnds.Count).Select(m => counts.Count(CellNames.WaitingAt("", null, monthEnds[m]), monthly.Sum(cells => counts.ValueOf(cells[m]))))
            .Append(tables[0].Total.Waiting).ToList();
        for (var m = 0; m < monthEnds.Count; m++)
            counts.Sum(monthlyTotal[m], monthly.Select(cells => cells[m]).ToList());
        // Across the tables: every region's row (and the country's) over all care types is the sum of its rows per care type.
        var perType = tables.Skip(1).ToList();
        for (var i = 0; i < regions.Count; i++)
            TieTogether(counts, tables[0].Regions[i], perType.Select(t => t.Regions[i]).ToList());
        TieTogether(counts, tables[0].Total, perType.Select(t => t.Total).ToList());

        return shown => tables.Select(table =>
        {
            var free = offerings.Where(o => table.CareType is null || o.CareType == table.CareType)
                .GroupBy(o => o.LocationRegion).ToDictionary(g => g.Key, g => g.Sum(o => Math.Max(0, o.FreeUnits)));
            var all = table.CareType is null;
            return new NationalFigures
            {
                CareType = table.CareType,
                Regions = regions.Select((r, i) => new NationalFigures.RegionRow(r.Code, r.Name, r.Lat, r.Lon, shown(table.Regions[i].Waiting),
                    shown(table.Regions[i].Over), free.GetValueOrDefault(r.Code), shown(table.Regions[i].Outside),
                    all ? monthly[i].Select(shown).ToList() : null)).ToList(),
                Total = new NationalFigures.RegionRow("", "Nederland", 0, 0, shown(table.Total.Waiting), shown(table.Total.Over), free.Values.Sum(),
                    shown(table.Total.Outside), all ? monthlyTotal.Select(shown).ToList() : null),
                MonthEndings = all ? [.. monthEnds.Select(end => DateOnly.FromDateTime(end.UtcDateTime).AddDays(-1)), today] : null,
            };
        }).ToList();
    }

    private static void TieTogether(SmallCountProtection counts, Cells total, IReadOnlyList<Cells> parts)
    {
        counts.Sum(total.Waiting, parts.Select(c => c.Waiting).ToList());
        counts.Sum(total.Over, parts.Select(c => c.Over).ToList());
        counts.Sum(total.Outside, parts.Select(c => c.Outside).ToList());
    }
}
