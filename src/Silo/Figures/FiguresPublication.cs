using System.Data.Common;
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
    public static string WaitingAt(string regionCode, string? careType, DateTimeOffset monthEnd) => Of("waiting-at", regionCode, $"{careType}/{monthEnd:yyyy-MM-dd}");

    /// <summary>Any other count: what it counts (a table's column), of which region ("" for the country), and for what.</summary>
    public static string Of(string what, string regionCode, string key) => $"{what}/{regionCode}/{key}";
}

/// <summary>
/// Everything published about waiting children, counted and protected together: every region's shortage figures and the
/// national tables. A region's waiting children per care type, those past the norm and those waiting at each month's
/// end are on its own page and in the national table; protected apart, each could show a count the other hides, or the
/// national column totals could give away what a region's page hides. So they are read in one transaction at one moment,
/// counted once each, and one protection decides for all.
/// </summary>
public sealed class FiguresPublication(Database database, RegionShortage shortage, NationalOverview overview, TimeProvider clock)
{
    /// <param name="HiddenCells">the names of the cells hidden (<see cref="CellNames"/>): tomorrow's hidden before</param>
    public sealed record Figures(DateTimeOffset ComputedAt, IReadOnlyList<ShortageFigures> Regions, IReadOnlyList<NationalFigures> National,
        IReadOnlyList<string> HiddenCells);

    /// <param name="hiddenBefore">the cells the last publication hid, chosen first where more must be hidden</param>
    public async Task<Figures> ComputeAsync(IReadOnlySet<string>? hiddenBefore = null)
    {
        var now = clock.GetUtcNow();
        var counts = new SmallCountProtection();
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginReadAsync(connection);
        var reading = new FiguresReading(connection, transaction, now);
        var national = await overview.CountAsync(counts, reading);
        var regionCodes = await connection.QueryAsync<string>("SELECT code FROM regions ORDER BY code", transaction: transaction);
        var regions = new List<Func<bool[], ShortageFigures>>();
        foreach (var regionCode in regionCodes)
            regions.Add(await shortage.CountAsync(counts, reading, regionCode));
        await transaction.CommitAsync();

        var hidden = counts.Protect(hiddenBefore);
        return new Figures(now, regions.Select(region => region(hidden)).ToList(), national(hidden), counts.HiddenNames(hidden));
    }
}
