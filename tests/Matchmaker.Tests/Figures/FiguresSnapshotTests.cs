using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Matchmaker.Matching;
using Matchmaker.Silo.Figures;
using Matchmaker.Silo.Market;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Matchmaker.Tests.Retention;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Figures;

/// <summary>
/// The publication policy over time (issue 22, item 1): the figures are a snapshot frozen per day, so two downloads
/// with a registration between them give the same answer and cannot be differenced; the first request of the day
/// computes it once, even when several ask at once on two nodes; the next day shows what changed.
/// </summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed partial class FiguresSnapshotTests
{
    private const string Region = MarketScenario.Region;

    // Its own host: the test counts the snapshots computed and registers a child, which a shared market would carry on.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwoDownloadsTheSameDay_WithAChildRegisteredBetween_GiveTheSameAnswer_ThoughTheFiguresRecomputedNowWouldDiffer(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var municipality = await FiguresTokens.PersonAsync(market, "municipality");
        var national = await FiguresTokens.PersonAsync(market, "national");
        var system = await FiguresTokens.SystemAsync(market, "municipality", Region, "figures:read");
        var snapshots = market.App.Services.GetRequiredService<FiguresSnapshots>();
        var offering = await market.OfferingWithFreeUnitsAsync(free: 1);
        var downloads = new[]
        {
            "/gemeente", "/gemeente?handler=Csv", "/gemeente?handler=Json", "/gemeente?handler=Csv&tabel=wachtend",
            $"/api/v1/figures/regions/{Region}/shortage", $"/api/v1/figures/regions/{Region}/shortage/export",
            "/landelijk", "/landelijk?handler=Csv", $"/landelijk?handler=Json&zorgvorm={offering.CareType}",
        };
        async Task<List<string>> DownloadAllAsync()
        {
            var all = new List<string>();
            foreach (var path in downloads)
            {
                var client = path.StartsWith("/api", StringComparison.Ordinal) ? system : path.StartsWith("/landelijk", StringComparison.Ordinal) ? national : municipality;
                var text = await client.GetStringAsync(path);
                all.Add(path.Contains("handler", StringComparison.Ordinal) || path.StartsWith("/api", StringComparison.Ordinal) ? text : string.Concat(Tables().Matches(text).Select(m => m.Value)));
            }
            return all;
        }

        var first = await DownloadAllAsync();
        var computed = snapshots.Computations;
        var waiting = await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE region_code = @Region AND status = 'open'", new { Region });
        await market.RegisterAsync(MarketScenario.ChildFor(offering, "RIJ-STAND-0001"));
        var second = await DownloadAllAsync();
        var recomputed = (await market.App.Services.GetRequiredService<FiguresPublication>().ComputeAsync()).Regions.Single(r => r.RegionCode == Region).Published();
        var published = (await snapshots.ShortageAsync(Region)).Figures;

        Assert.Equal(waiting + 1, await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE region_code = @Region AND status = 'open'", new { Region }));
        Assert.All(first, text => Assert.False(string.IsNullOrWhiteSpace(text)));
        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
            Assert.True(first[i] == second[i], $"{downloads[i]} changed within the day");
        Assert.Equal(computed, snapshots.Computations);
        Assert.Contains("Stand van ", first[0]);
        // Recomputed now, the region's total has moved by the one child: without the snapshot the second download would have shown it.
        Assert.False(published.WaitingTotal.Hidden);
        Assert.Equal(published.WaitingTotal.Value + 1, recomputed.WaitingTotal.Value);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TheFirstRequestsOfTheDay_OnTwoNodesAtOnce_StoreOneSnapshot_WithoutHiddenValues_AndTheNextDayShowsWhatChanged(string provider)
    {
        await using var scenario = await RetentionScenario.StartAsync(provider);
        var (database, clock) = (scenario.Db.Database, scenario.Clock);
        // Each node on its own clock, a second apart: rows of two computations mixed in one day would show two moments.
        var clockTwo = new SetClock(clock.Now.AddSeconds(1));
        var (one, two) = (new FiguresSnapshots(database, new FiguresPublication(database, clock), clock),
            new FiguresSnapshots(database, new FiguresPublication(database, clockTwo), clockTwo));
        var today = DateOnly.FromDateTime(clock.Now.UtcDateTime);

        var atOnce = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? one : two).ShortageAsync(Region)));
        var nationalAtOnce = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? one : two).NationalAsync(i < 3 ? null : "gezinshuis")));
        var stored = await scenario.Db.QueryAsync<string>("SELECT scope || '/' || region_code || '/' || care_type FROM figures_snapshots WHERE day = @today", new { today });
        var moments = await scenario.Db.QueryAsync<DateTimeOffset>("SELECT DISTINCT computed_at FROM figures_snapshots WHERE day = @today", new { today });
        var regions = await scenario.Db.QueryAsync<string>("SELECT code FROM regions");
        var bodies = await scenario.Db.QueryAsync<string>("SELECT body FROM figures_snapshots");
        var computedToday = one.Computations + two.Computations;
        await scenario.ChildAsync(Region, closedMonthsAgo: null);
        var later = await two.ShortageAsync(Region);
        clock.Now = clock.Now.AddDays(1);
        var tomorrow = await one.ShortageAsync(Region);

        Assert.All(atOnce, snapshot => Assert.Equal(Json(atOnce[0]), Json(snapshot)));
        Assert.All(nationalAtOnce.Take(3), snapshot => Assert.Equal(Json(nationalAtOnce[0]), Json(snapshot)));
        Assert.All(nationalAtOnce.Skip(3), snapshot => Assert.Equal(Json(nationalAtOnce[3]), Json(snapshot)));
        // The national tables of every care type and every region's page are stored at once, so no two of one day stand on
        // different moments (a region's page against the national table would tell who registered between them).
        Assert.Equal(CareTypes.All.Select(c => $"national//{c}").Append("national//").Concat(regions.Select(r => $"region/{r}/")).Order(StringComparer.Ordinal),
            stored.Order(StringComparer.Ordinal));
        Assert.Single(moments);
        // Each node computed the day at most once, and what it computed in vain (the other node stored first) nobody sees.
        Assert.InRange(computedToday, 1, 2);
        Assert.Equal(computedToday + 1, one.Computations + two.Computations);
        Assert.Equal(Json(atOnce[0]), Json(later));
        Assert.Equal(today, later.Day);
        Assert.Equal(today.AddDays(1), tomorrow.Day);
        Assert.False(atOnce[0].Figures.WaitingTotal.Hidden || tomorrow.Figures.WaitingTotal.Hidden);
        Assert.Equal(atOnce[0].Figures.WaitingTotal.Value + 1, tomorrow.Figures.WaitingTotal.Value);
        // The stored snapshot is the published table: a hidden count's value is not kept.
        var hidden = bodies.SelectMany(body => Counts(JsonNode.Parse(body))).Where(count => (bool)count["hidden"]!).ToList();
        Assert.NotEmpty(hidden);
        Assert.All(hidden, count => Assert.Equal(0, (int)count["value"]!));
    }

    // A care type retired from the vocabulary while children still wait for it: the table of all care types is the sum of
    // the tables per care type, so the retired one has its own (not offered on the page), and no page fails.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task AChildWaitingForACareTypeNoLongerInTheVocabulary_IsCountedEverywhere_AndNoPageFails(string provider)
    {
        await using var scenario = await RetentionScenario.StartAsync(provider);
        var child = await scenario.Db.ScalarAsync<Guid>("SELECT id FROM requests WHERE region_code = @Region AND status = 'open' ORDER BY id LIMIT 1", new { Region });
        await scenario.Db.ExecuteAsync("UPDATE requests SET care_type = 'retired-type' WHERE id = @child AND region_code = @Region", new { child, Region });
        var waiting = await scenario.Db.ScalarAsync<long>("SELECT count(*) FROM requests WHERE status = 'open'");

        var figures = await scenario.Publication().ComputeAsync();

        var all = figures.National.Single(table => table.CareType is null);
        Assert.Equal(waiting, all.Total.Waiting.Value);
        Assert.Equal(all.Total.Waiting.Value, figures.National.Where(table => table.CareType is not null).Sum(table => table.Total.Waiting.Value));
        Assert.Contains(figures.National, table => table.CareType == "retired-type");
        Assert.Contains(figures.Regions.Single(r => r.RegionCode == Region).ByCareType, row => row.CareType == "retired-type");
    }

    private static string Json<T>(FiguresSnapshot<T> snapshot) => JsonSerializer.Serialize(snapshot);

    /// <summary>Every protected count in a stored body (an object with value and hidden).</summary>
    private static IEnumerable<JsonObject> Counts(JsonNode? node) => node switch
    {
        JsonObject count when count.ContainsKey("hidden") && count.ContainsKey("value") => [count],
        JsonObject other => other.SelectMany(property => Counts(property.Value)),
        JsonArray array => array.SelectMany(Counts),
        _ => [],
    };

    [GeneratedRegex("<table.*?</table>", RegexOptions.Singleline)]
    private static partial Regex Tables();
}
