using System.Data.Common;
using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Figures;

/// <summary>
/// Published figures as they stood on <paramref name="Day"/> (UTC): "Stand van" that day, computed at <paramref name="ComputedAt"/>.
/// <paramref name="ServedForFailedDay"/> names the day asked for when its computation failed and these older figures stand in.
/// </summary>
public sealed record FiguresSnapshot<T>(DateOnly Day, DateTimeOffset ComputedAt, T Figures, DateOnly? ServedForFailedDay = null);

/// <summary>
/// The publication policy over time: every region's shortage and the national tables are published as one snapshot
/// frozen per UTC day. The first request of the day computes them all, protected together
/// (<see cref="FiguresPublication"/>), and stores them as published, hidden values not kept (table
/// <c>figures_snapshots</c>), in one transaction; every page, download and API call that day reads those rows, so a
/// registration between two downloads changes nothing until tomorrow, and no two tables of one day (a region's page, the
/// national table of a care type) stand on different moments to be differenced. On one node concurrent first requests
/// share one computation; across nodes the primary key (day, scope, region, care type) lets the first writer win (its
/// rows inserted in one order, in one transaction) and everyone reads its rows. Snapshots are kept, so a day's figures
/// can be read back as they were published (no retention yet). When a day's computation fails, the last snapshot
/// published before it is served (dated as it was) until a computation succeeds; it is tried again a minute later.
/// </summary>
public sealed class FiguresSnapshots(Database database, FiguresPublication publication, TimeProvider clock, ILogger<FiguresSnapshots>? logger = null)
{
    private const string RegionScope = "region";
    private const string NationalScope = "national";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<DateOnly, Lazy<Task<DateOnly>>> _computing = new();

    private sealed record Stored
    {
        public DateOnly Day { get; init; }
        public DateTimeOffset ComputedAt { get; init; }
        public string Body { get; init; } = "";
        public DateOnly? ServedForFailedDay { get; init; }
    }

    /// <summary>How many times this node computed a day's figures (tests: the second request of a day computes nothing).</summary>
    public int Computations => _computations;
    private int _computations;

    /// <summary>Today's snapshot of the region's shortage figures. The caller has checked that the region exists and is the caller's.</summary>
    public async Task<FiguresSnapshot<ShortageFigures>> ShortageAsync(string regionCode)
    {
        var stored = await TodaysAsync(RegionScope, regionCode, "");
        return new(stored.Day, stored.ComputedAt, JsonSerializer.Deserialize<ShortageFigures>(stored.Body, Json)!, stored.ServedForFailedDay);
    }

    /// <summary>Today's snapshot of the national table for one care type, or all (null).</summary>
    public async Task<FiguresSnapshot<NationalFigures>> NationalAsync(string? careType)
    {
        if (careType is not null && !CareTypes.All.Contains(careType)) throw new ArgumentException($"Unknown care type '{careType}'.", nameof(careType));
        var stored = await TodaysAsync(NationalScope, "", careType ?? "");
        return new(stored.Day, stored.ComputedAt, JsonSerializer.Deserialize<NationalFigures>(stored.Body, Json)!, stored.ServedForFailedDay);
    }

    private async Task<Stored> TodaysAsync(string scope, string regionCode, string careType)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (await FindAsync(day, scope, regionCode, careType) is { } stored) return stored;
        var computing = _computing.GetOrAdd(day, key =>
        {
            Lazy<Task<DateOnly>>? created = null;
            created = new Lazy<Task<DateOnly>>(async () =>
            {
                try
                {
                    return await ComputeAndStoreAsync(day, scope, regionCode, careType);
                }
                catch
                {
                    // A failed computation is not tried again by every request at once: the first request after a minute tries.
                    _ = ForgetAsync(key, created!, TimeSpan.FromMinutes(1));
                    throw;
                }
            });
            return created;
        });
        DateOnly storedDay;
        try
        {
            storedDay = await computing.Value;
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // The last tables published rather than none: they were public already, so serving them again tells nobody
            // anything new, and their date says how old they are. Without any, the failure stands.
            Stored? earlier = null;
            try
            {
                earlier = await LatestBeforeAsync(day, scope, regionCode, careType);
            }
            catch (Exception unreadable) when (unreadable is not OperationCanceledException)
            {
                logger?.LogDebug(unreadable, "No earlier {Scope} snapshot could be read either", scope);
            }
            if (earlier is null) throw;
            logger?.LogError(failure, "Today's figures could not be computed; serving the {Scope} snapshot of {Day:yyyy-MM-dd}", scope, earlier.Day);
            return earlier with { ServedForFailedDay = day };
        }
        await ForgetAsync(day, computing, TimeSpan.Zero);
        // Another node may have stored the day's snapshot first: its row is the one everybody publishes. A computation
        // that began just before midnight stands on the next day, and stored it as that day's.
        return await FindAsync(storedDay, scope, regionCode, careType)
            ?? throw new InvalidOperationException($"The {scope} snapshot of {storedDay:yyyy-MM-dd} was stored but cannot be read back.");
    }

    private async Task ForgetAsync(DateOnly day, Lazy<Task<DateOnly>> computing, TimeSpan after)
    {
        if (after > TimeSpan.Zero) await Task.Delay(after, clock);
        _computing.TryRemove(new KeyValuePair<DateOnly, Lazy<Task<DateOnly>>>(day, computing));
    }

    /// <summary>Computes and stores the day's figures; returns the day they stand on (the next, when the day ended meanwhile).</summary>
    private async Task<DateOnly> ComputeAndStoreAsync(DateOnly asked, string scope, string regionCode, string careType)
    {
        if (await FindAsync(asked, scope, regionCode, careType) is not null) return asked;
        // Tried again when another computation froze a month end while this one computed it afresh: a month end is
        // published in one version only.
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await database.OpenAsync();
            var memory = await MemoryAsync(connection, asked);
            var figures = await publication.ComputeAsync(memory);
            Interlocked.Increment(ref _computations);
            var day = DateOnly.FromDateTime(figures.ComputedAt.UtcDateTime);
            await using var transaction = await database.BeginWriteAsync(connection);
            // The day published already (by another node): its rows stand. A region added since lacks its row and gets
            // its own from this computation (the inserts do nothing where a row is there).
            var published = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM figures_hidden_cells WHERE day = @day", new { day }, transaction) > 0;
            if (published && await connection.ExecuteScalarAsync<long>("""
                SELECT count(*) FROM figures_snapshots WHERE day = @day AND scope = @scope AND region_code = @regionCode AND care_type = @careType
                """, new { day, scope, regionCode, careType }, transaction) > 0)
                return day;
            var frozenMeanwhile = published ? [] : (await connection.QueryAsync<string>("SELECT month_end FROM figures_month_ends WHERE month_end >= @since",
                new { since = MonthEndsSince(day) }, transaction)).Where(monthEnd => !memory.MonthEnds.ContainsKey(monthEnd));
            if (frozenMeanwhile.Any() && attempt < 3) continue;
            await StoreAsync(connection, transaction, day, figures);
            await transaction.CommitAsync();
            return day;
        }
    }

    private static async Task StoreAsync(DbConnection connection, DbTransaction transaction, DateOnly day, FiguresPublication.Figures figures)
    {
        var rows = figures.Regions.Select(region => (RegionScope, region.RegionCode, CareType: "", Body: (object)region.Published()))
            .Concat(figures.National.Select(table => (NationalScope, RegionCode: "", CareType: table.CareType ?? "", Body: (object)table.Published())));
        foreach (var (rowScope, rowRegion, rowCareType, body) in rows)
            await connection.ExecuteAsync("""
                INSERT INTO figures_snapshots (day, scope, region_code, care_type, computed_at, body)
                VALUES (@day, @scope, @regionCode, @careType, @computedAt, @body)
                ON CONFLICT (day, scope, region_code, care_type) DO NOTHING
                """, new { day, scope = rowScope, regionCode = rowRegion, careType = rowCareType, computedAt = figures.ComputedAt,
                    body = JsonSerializer.Serialize(body, body.GetType(), Json) }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO figures_hidden_cells (day, computed_at, names) VALUES (@day, @computedAt, @names)
            ON CONFLICT (day) DO NOTHING
            """, new { day, computedAt = figures.ComputedAt, names = JsonSerializer.Serialize(figures.HiddenCells, Json) }, transaction);
        // A month end is frozen as first published; later days publish it from here.
        foreach (var (monthEnd, cells) in figures.MonthEnds)
            await connection.ExecuteAsync("""
                INSERT INTO figures_month_ends (month_end, frozen_at, cells) VALUES (@monthEnd, @computedAt, @cells)
                ON CONFLICT (month_end) DO NOTHING
                """, new { monthEnd, computedAt = figures.ComputedAt, cells = JsonSerializer.Serialize(cells, Json) }, transaction);
    }

    /// <summary>The names of the cells the last publication before <paramref name="day"/> hid, and the month ends frozen.</summary>
    private static async Task<FiguresMemory> MemoryAsync(DbConnection connection, DateOnly day)
    {
        var hiddenBefore = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT names FROM figures_hidden_cells WHERE day < @day ORDER BY day DESC LIMIT 1", new { day });
        var monthEnds = await connection.QueryAsync<(string MonthEnd, string Cells)>("SELECT month_end, cells FROM figures_month_ends WHERE month_end >= @since",
            new { since = MonthEndsSince(day) });
        return new FiguresMemory(hiddenBefore is null ? new HashSet<string>() : JsonSerializer.Deserialize<HashSet<string>>(hiddenBefore, Json)!,
            monthEnds.ToDictionary(m => m.MonthEnd, m => (IReadOnlyDictionary<string, ProtectedCount>)JsonSerializer.Deserialize<Dictionary<string, ProtectedCount>>(m.Cells, Json)!));
    }

    /// <summary>The earliest month end a trend of <paramref name="day"/> shows (yyyy-MM-dd), 11 months back.</summary>
    private static string MonthEndsSince(DateOnly day) => MonthEnds.Key(MonthEnds.Before(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))[0]);

    private async Task<Stored?> LatestBeforeAsync(DateOnly day, string scope, string regionCode, string careType)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QueryFirstOrDefaultAsync<Stored>("""
            SELECT day AS Day, computed_at AS ComputedAt, body AS Body FROM figures_snapshots
            WHERE day < @day AND scope = @scope AND region_code = @regionCode AND care_type = @careType
            ORDER BY day DESC LIMIT 1
            """, new { day, scope, regionCode, careType });
    }

    private async Task<Stored?> FindAsync(DateOnly day, string scope, string regionCode, string careType)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Stored>("""
            SELECT day AS Day, computed_at AS ComputedAt, body AS Body FROM figures_snapshots
            WHERE day = @day AND scope = @scope AND region_code = @regionCode AND care_type = @careType
            """, new { day, scope, regionCode, careType });
    }
}
