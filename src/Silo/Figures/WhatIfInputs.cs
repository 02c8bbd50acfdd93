using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Matchmaker.Matching;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Figures;

/// <summary>A region's what-if input of <paramref name="Day"/> (UTC), frozen at <paramref name="FrozenAt"/>.</summary>
public sealed record FrozenMarket(DateOnly Day, DateTimeOffset FrozenAt, MatchingInstance Instance);

/// <summary>
/// The what-if input frozen per region per UTC day (table <c>what_if_inputs</c>, migration 0018): the first what-if
/// of the day loads the region's market as a matching round sees it (<see cref="RegionMarket"/>: the waiting children
/// without those waiting for a provider's answer, the places of their care types, the region's policy) and stores it;
/// every run that day computes on that row, so a child registered, placed or withdrawn during the day changes no
/// what-if figure until tomorrow, and two runs cannot be differenced over time. The children are stored in a shuffled order
/// under pseudonyms of the copy (no case reference, no birth month, no name, nothing in the order); only today's row is kept: freezing a new day deletes the
/// region's older days in the same transaction (and the retention run deletes them for regions that ran nothing since).
/// As <see cref="FiguresSnapshots"/>: one computation per node at a time, and the first writer of two nodes wins.
/// </summary>
public sealed class WhatIfInputs(Database database, HeavyLane lane, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Lazy<Task>> _freezing = new(StringComparer.Ordinal);

    private sealed class Stored
    {
        public DateOnly Day { get; init; }
        public DateTimeOffset FrozenAt { get; init; }
        public string Body { get; init; } = "";
    }

    /// <summary>How many times this node froze a region's input (tests: a second run of the day freezes nothing).</summary>
    public int Freezes => _freezes;
    private int _freezes;

    /// <summary>Today's frozen input of the region. The caller has checked that the region exists and is the caller's.</summary>
    public async Task<FrozenMarket> TodaysAsync(string regionCode)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (await FindAsync(day, regionCode) is { } stored) return Read(stored);
        var key = $"{day:yyyyMMdd}/{regionCode}";
        // Off the lane: a what-if in the lane and a page on the pool share the freeze, whose write holds SQLite's writer turn.
        var freezing = _freezing.GetOrAdd(key, _ => new Lazy<Task>(() => lane.OffLane(() => FreezeAsync(day, regionCode))));
        try
        {
            await freezing.Value;
        }
        finally
        {
            _freezing.TryRemove(new KeyValuePair<string, Lazy<Task>>(key, freezing));
        }
        // Another node may have frozen the day first: its row is the one every run of the day computes on.
        return Read(await FindAsync(day, regionCode)
            ?? throw new InvalidOperationException($"The what-if input of {regionCode} on {day:yyyy-MM-dd} was stored but cannot be read back."));
    }

    private async Task FreezeAsync(DateOnly day, string regionCode)
    {
        if (await FindAsync(day, regionCode) is not null) return;
        await using var connection = await database.OpenAsync();
        var market = await RegionMarket.LoadAsync(connection, regionCode, RoundOptions.Remembering, day)
            ?? throw new InvalidOperationException($"No region '{regionCode}'.");
        var body = JsonSerializer.Serialize(Pseudonymised(market.Instance), Json);
        Interlocked.Increment(ref _freezes);
        await using var transaction = await database.BeginWriteAsync(connection);
        await connection.ExecuteAsync("DELETE FROM what_if_inputs WHERE region_code = @regionCode AND day < @day", new { regionCode, day }, transaction);
        await connection.ExecuteAsync("""
            INSERT INTO what_if_inputs (day, region_code, frozen_at, body) VALUES (@day, @regionCode, @frozenAt, @body)
            ON CONFLICT (day, region_code) DO NOTHING
            """, new { day, regionCode, frozenAt = clock.GetUtcNow(), body }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// The instance as the what-if needs it: the children in an order shuffled for this copy (a cryptographic shuffle, so
    /// neither the order nor the pseudonyms k1, k2, … say who registered first), every id and sibling group replaced by a
    /// pseudonym of this copy (k1, g1, …). <see cref="Request.HeldPlaces"/> is dropped: the input leaves out the children
    /// a place is held for (<see cref="RoundOptions.Remembering"/>), so no child here holds one, and nothing is kept that
    /// says otherwise. <see cref="Request.DeclinedPlaces"/> is kept: the matcher never proposes a child a place whose
    /// provider declined it (as a matching round does), so without it the what-if would place children where the round
    /// cannot, and count places a purchase does not need to replace.
    /// </summary>
    private static MatchingInstance Pseudonymised(MatchingInstance instance)
    {
        var shuffled = instance.Requests.ToArray();
        RandomNumberGenerator.Shuffle(shuffled.AsSpan());
        var groups = new Dictionary<string, string>(StringComparer.Ordinal);
        return instance with
        {
            Requests = shuffled.Select((r, i) => r with
            {
                Id = $"k{i + 1}",
                SiblingGroup = r.SiblingGroup is null ? null
                    : groups.TryGetValue(r.SiblingGroup, out var g) ? g : groups[r.SiblingGroup] = $"g{groups.Count + 1}",
                HeldPlaces = null,
            }).ToList(),
        };
    }

    private static FrozenMarket Read(Stored stored) =>
        new(stored.Day, stored.FrozenAt, JsonSerializer.Deserialize<MatchingInstance>(stored.Body, Json)!);

    private async Task<Stored?> FindAsync(DateOnly day, string regionCode)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<Stored>("""
            SELECT day AS Day, frozen_at AS FrozenAt, body AS Body FROM what_if_inputs WHERE day = @day AND region_code = @regionCode
            """, new { day, regionCode });
    }
}
