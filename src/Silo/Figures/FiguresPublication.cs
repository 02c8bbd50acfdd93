using System.Data.Common;
using System.Globalization;
using Dapper;
using Matchmaker.Matching.Disclosure;
using Matchmaker.Silo.Data;

namespace Matchmaker.Silo.Figures;

/// <summary>What the figures are counted from: one read transaction (every table as it stood at one moment) and that moment.</summary>
public sealed record FiguresReading(DbConnection Connection, DbTransaction Transaction, DateTimeOffset Now);

/// <summary>
/// The names of the published counts. A count that a region's own page and the national table both publish has one
/// name, so it is one cell of the protection: the national table cannot show what the region's page hides, nor the
/// other way round. And a count has the same name every day, so tomorrow's protection knows which cells it hid today.
/// </summary>
public static class CellNames
{
    /// <param name="regionCode">"" for the country</param>
    /// <param name="careType">null: all care types</param>
    public static string Waiting(string regionCode, string? careType) => Of("waiting", regionCode, careType ?? "");

    /// <param name="regionCode">"" for the country</param>
    /// <param name="careType">null: all care types</param>
    public static string PastNorm(string regionCode, string? careType) => Of("past-norm", regionCode, careType ?? "");

    /// <param name="regionCode">"" for the country</param>
    /// <param name="careType">null: all care types</param>
    public static string WaitingAt(string regionCode, string? careType, DateTimeOffset monthEnd) => WaitingAt(regionCode, careType, MonthEnds.Key(monthEnd));

    /// <param name="monthEnd">yyyy-MM-dd, the first day of the month after</param>
    public static string WaitingAt(string regionCode, string? careType, string monthEnd) => Of("waiting-at", regionCode, $"{careType}/{monthEnd}");

    /// <summary>The month end a <see cref="WaitingAt"/> count stands on (yyyy-MM-dd, the first day of the next month), or null for any other count.</summary>
    public static string? MonthEndOf(string name) => name.StartsWith("waiting-at/", StringComparison.Ordinal) ? name[(name.LastIndexOf('/') + 1)..] : null;

    /// <summary>The region and care type ("" for all) of a <see cref="WaitingAt"/> count.</summary>
    public static (string RegionCode, string CareType) RegionAndCareTypeOf(string waitingAt)
    {
        var (regionStart, dateStart) = (waitingAt.IndexOf('/') + 1, waitingAt.LastIndexOf('/'));
        var careTypeStart = waitingAt.IndexOf('/', regionStart) + 1;
        return (waitingAt[regionStart..(careTypeStart - 1)], waitingAt[careTypeStart..dateStart]);
    }

    /// <summary>The count today that a <see cref="WaitingAt"/> count is of at its month end (the region's, or the country's, waiting children).</summary>
    public static string NowOf(string waitingAt)
    {
        var (regionCode, careType) = RegionAndCareTypeOf(waitingAt);
        return Waiting(regionCode, careType.Length == 0 ? null : careType);
    }

    /// <summary>Any other count: what it counts (a table's column), of which region ("" for the country), and for what.</summary>
    public static string Of(string what, string regionCode, string key) => $"{what}/{regionCode}/{key}";
}

/// <summary>The month ends a trend shows: the first moment (UTC) of each month after the 11 months before now's.</summary>
public static class MonthEnds
{
    /// <summary>Oldest first; the last is the first moment of now's month.</summary>
    public static IReadOnlyList<DateTimeOffset> Before(DateTimeOffset now) =>
        Enumerable.Range(0, 11).Select(m => new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(m - 10)).ToList();

    /// <summary>yyyy-MM-dd: how a month end is named in <see cref="CellNames"/> and kept in <c>figures_month_ends</c>.</summary>
    public static string Key(DateTimeOffset monthEnd) => monthEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>
/// What earlier days' publications leave for today's. <paramref name="HiddenBefore"/>: the names of the cells the last one
/// hid, chosen first where another count must be hidden. <paramref name="MonthEnds"/>: each past month end's counts as
/// they were first published (by <see cref="CellNames.MonthEndOf"/>, then by name; hidden ones with value 0), published
/// again as they were: a child's record edited today (its care type) must not change what was shown of a month gone by.
/// </summary>
public sealed record FiguresMemory(IReadOnlySet<string> HiddenBefore, IReadOnlyDictionary<string, IReadOnlyDictionary<string, ProtectedCount>> MonthEnds)
{
    public static readonly FiguresMemory None = new(new HashSet<string>(), new Dictionary<string, IReadOnlyDictionary<string, ProtectedCount>>());
}

/// <summary>
/// Everything published about waiting children, counted and protected together: every region's shortage figures and the
/// national tables. A region's waiting children per care type, those past the norm and those waiting at each month's
/// end are on its own page and in the national table; protected apart, each could show a count the other hides, or the
/// national column totals could give away what a region's page hides. So they are read in one transaction at one moment,
/// counted once each, and one protection decides for all. A past month end already published is published as it was
/// (<see cref="FiguresMemory.MonthEnds"/>): its counts are sums of their own, tied to nothing of today's, so the frozen
/// cells and today's protection of the rest stand side by side.
/// </summary>
public sealed class FiguresPublication(Database database, TimeProvider clock)
{
    /// <param name="HiddenCells">the names of the cells hidden: tomorrow's <see cref="FiguresMemory.HiddenBefore"/></param>
    /// <param name="MonthEnds">every past month end's counts as published today (to freeze the ones published for the first time)</param>
    public sealed record Figures(DateTimeOffset ComputedAt, IReadOnlyList<ShortageFigures> Regions, IReadOnlyList<NationalFigures> National,
        IReadOnlyList<string> HiddenCells, IReadOnlyDictionary<string, IReadOnlyDictionary<string, ProtectedCount>> MonthEnds);

    /// <param name="at">the moment the figures stand on (default now)</param>
    public async Task<Figures> ComputeAsync(FiguresMemory? memory = null, DateTimeOffset? at = null)
    {
        memory ??= FiguresMemory.None;
        var counts = new SmallCountProtection();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginReadAsync(connection);
        var regionCodes = (await connection.QueryAsync<string>("SELECT code FROM regions ORDER BY code", transaction: transaction)).ToList();
        // The moment the figures stand on: after the transaction's first read, which fixed what it sees.
        var now = at ?? clock.GetUtcNow();
        var reading = new FiguresReading(connection, transaction, now);
        var national = await NationalOverview.CountAsync(counts, reading);
        var frozenCareTypes = memory.MonthEnds.Values.SelectMany(cells => cells.Keys).Select(CellNames.RegionAndCareTypeOf)
            .Where(cell => cell.CareType.Length > 0).Distinct().ToLookup(cell => cell.RegionCode, cell => cell.CareType);
        var regions = new List<Func<Func<int, ProtectedCount>, ShortageFigures>>();
        foreach (var regionCode in regionCodes)
            regions.Add(await RegionShortage.CountAsync(counts, reading, regionCode, frozenCareTypes[regionCode]));
        await transaction.CommitAsync();
        var hidden = counts.Protect(memory.HiddenBefore);
        // Again, the month end that has just passed (when published for the first time) choosing as today did: its counts
        // are tied by no sum to today's, so the rest comes out the same.
        if (TwinsOfTodaysHidden(counts, hidden, memory, now) is { } twins)
            hidden = counts.Protect(twins);
        ProtectedCount Shown(int cell)
        {
            if (counts.NameOf(cell) is not { } name || CellNames.MonthEndOf(name) is not { } monthEnd || !memory.MonthEnds.TryGetValue(monthEnd, out var frozen))
                return new ProtectedCount(counts.ValueOf(cell), hidden[cell]);
            if (frozen.TryGetValue(name, out var count)) return count;
            // Not in the month end as frozen: a care type nobody waited for then (0), or a region that was not yet there
            // (never published: hidden).
            var (regionCode, _) = CellNames.RegionAndCareTypeOf(name);
            return frozen.ContainsKey(CellNames.WaitingAt(regionCode, null, monthEnd)) ? new ProtectedCount(0, false) : new ProtectedCount(0, true);
        }
        var published = counts.Named.ToDictionary(named => named.Key, named => Shown(named.Value));
        var monthEnds = published.Where(cell => CellNames.MonthEndOf(cell.Key) is not null).GroupBy(cell => CellNames.MonthEndOf(cell.Key)!)
            .ToDictionary(month => month.Key, month => (IReadOnlyDictionary<string, ProtectedCount>)month.ToDictionary(
                cell => cell.Key, cell => cell.Value.Hidden ? new ProtectedCount(0, true) : cell.Value));
        return new Figures(now, regions.Select(region => region(Shown)).ToList(), national(Shown),
            published.Where(cell => cell.Value.Hidden).Select(cell => cell.Key).Order(StringComparer.Ordinal).ToList(), monthEnds);
    }

    /// <summary>
    /// The month end that has just passed, when it is first published (the 1st, or the first day after it that anyone asks),
    /// counts almost the same children as today (at 00:05 on the 1st, the same but for five minutes), but its counts are
    /// sums of their own and protected apart from today's: where one of them must hide another count beside a small one,
    /// it chooses first the one whose today's count is hidden (its twin), so both pages hide alike where they can.
    /// </summary>
    /// <returns>the day before's hidden cells and those twins; null when the month end is published already</returns>
    private static IReadOnlySet<string>? TwinsOfTodaysHidden(SmallCountProtection counts, bool[] hidden, FiguresMemory memory, DateTimeOffset now)
    {
        var monthEnd = MonthEnds.Key(MonthEnds.Before(now)[^1]);
        if (memory.MonthEnds.ContainsKey(monthEnd)) return null;
        var twins = new HashSet<string>(memory.HiddenBefore, StringComparer.Ordinal);
        foreach (var name in counts.Named.Keys.Where(name => CellNames.MonthEndOf(name) == monthEnd))
            if (counts.Named.TryGetValue(CellNames.NowOf(name), out var today) && hidden[today])
                twins.Add(name);
        return twins;
    }
}
