using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Matchmaker.Tests.Retention;
using Matchmaker.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Matchmaker.Tests.Figures;

public sealed partial class FiguresSnapshotTests
{
    /// <summary>A node of its own: it keeps no computation of another (a failed one for a minute, a running one).</summary>
    private static FiguresSnapshots NodeOf(RetentionScenario scenario) =>
        new(scenario.Db.Database, new FiguresPublication(scenario.Db.Database, scenario.Clock), scenario.Clock);

    // Each step asks through a node of its own (a fresh FiguresSnapshots): a node keeps a failed computation for a minute.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WhenADaysComputationFails_TheLastSnapshotPublishedIsServed_DatedAsItWas_AndWithoutOneTheFailureStands(string provider)
    {
        await using var scenario = await RetentionScenario.StartAsync(provider);
        var clock = scenario.Clock;
        FiguresSnapshots Node() => NodeOf(scenario);
        // The computation reads the placements; without their table it fails, as a computation broken by a bad row would.
        Task BreakAsync() => scenario.Db.ExecuteAsync("ALTER TABLE placements RENAME TO placements_away");
        Task MendAsync() => scenario.Db.ExecuteAsync("ALTER TABLE placements_away RENAME TO placements");
        var firstDay = DateOnly.FromDateTime(clock.Now.UtcDateTime);

        await BreakAsync();
        var nothingPublishedYet = await Record.ExceptionAsync(() => Node().ShortageAsync(Region));
        await MendAsync();
        var published = await Node().ShortageAsync(Region);
        var publishedNational = await Node().NationalAsync(null);
        clock.Now = clock.Now.AddDays(1);
        await BreakAsync();
        var whileBroken = await Node().ShortageAsync(Region);
        var nationalWhileBroken = await Node().NationalAsync(null);
        var stored = await scenario.Db.ScalarAsync<long>("SELECT count(*) FROM figures_snapshots WHERE day > @firstDay", new { firstDay });
        await MendAsync();
        var mended = await Node().ShortageAsync(Region);

        Assert.NotNull(nothingPublishedYet);
        Assert.Equal(firstDay, published.Day);
        Assert.Equal(firstDay, whileBroken.Day);
        // The same figures, saying which day's computation they stand in for.
        Assert.Null(published.ServedForFailedDay);
        Assert.Equal(Json(published with { ServedForFailedDay = firstDay.AddDays(1) }), Json(whileBroken));
        Assert.Equal(Json(publishedNational with { ServedForFailedDay = firstDay.AddDays(1) }), Json(nationalWhileBroken));
        Assert.Equal(0, stored);
        Assert.Equal(firstDay.AddDays(1), mended.Day);
        Assert.Null(mended.ServedForFailedDay);
    }

    // Its own host: the test breaks the placements table under the pages.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WhenTodaysComputationFails_TheFiguresPagesSaySo_AndTheirDownloadsServeTheSameEarlierStand(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var municipality = await FiguresTokens.PersonAsync(market, "municipality");
        var national = await FiguresTokens.PersonAsync(market, "national");
        var computedToday = await municipality.GetStringAsync("/gemeente");
        var computedTodayDownload = await municipality.GetStringAsync("/gemeente?handler=Json");
        // The day as the product counts it (UTC, its own clock), not as the test's clock might have it a moment later.
        var today = (await market.App.Services.GetRequiredService<FiguresSnapshots>().ShortageAsync(Region)).Day;
        var yesterday = today.AddDays(-1);
        // Today's snapshot becomes yesterday's, so today's is computed afresh, and fails.
        await market.ExecuteAsync("UPDATE figures_snapshots SET day = @yesterday", new { yesterday });
        await market.ExecuteAsync("ALTER TABLE placements RENAME TO placements_away");
        var regionPage = await municipality.GetStringAsync("/gemeente");
        var nationalPage = await national.GetStringAsync("/landelijk");
        var regionDownload = await municipality.GetStringAsync("/gemeente?handler=Json");
        await market.ExecuteAsync("ALTER TABLE placements_away RENAME TO placements");

        Assert.Contains("blijven die hele dag gelijk", computedToday);
        Assert.DoesNotContain("figures-of-a-failed-day", computedToday);
        Assert.All(new[] { regionPage, nationalPage }, page =>
        {
            Assert.Contains($"Stand van {Dutch.LongDate(yesterday)}.", page);
            Assert.Contains($"De cijfers van vandaag ({Dutch.LongDate(today)}) konden nog niet worden berekend.", page);
            // They will change once a computation succeeds: the page does not promise the same figures all day.
            Assert.DoesNotContain("blijven die hele dag gelijk", page);
        });
        Assert.Contains($"\"snapshotDate\":\"{yesterday:yyyy-MM-dd}\",\"computationFailedOn\":\"{today:yyyy-MM-dd}\"", regionDownload);
        Assert.Contains("\"computationFailedOn\":null", computedTodayDownload);
    }
}
