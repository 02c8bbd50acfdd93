using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Matchmaker.Tests.Retention;
using Matchmaker.Web.Infrastructure;

namespace Matchmaker.Tests.Figures;

public sealed partial class FiguresSnapshotTests
{
    // Each step asks through a node of its own (a fresh FiguresSnapshots): a node keeps a failed computation for a minute.
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task WhenADaysComputationFails_TheLastSnapshotPublishedIsServed_DatedAsItWas_AndWithoutOneTheFailureStands(string provider)
    {
        await using var scenario = await RetentionScenario.StartAsync(provider);
        var (database, clock) = (scenario.Db.Database, scenario.Clock);
        FiguresSnapshots Node() => new(database, new FiguresPublication(database, clock), clock);
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
    public async Task WhenTodaysComputationFails_TheFiguresPagesSaySo_AboveTheLastPublishedFigures(string provider)
    {
        await using var market = await MarketScenario.StartAsync(provider);
        var municipality = await FiguresTokens.PersonAsync(market, "municipality");
        var national = await FiguresTokens.PersonAsync(market, "national");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var computedToday = await municipality.GetStringAsync("/gemeente");
        // Today's snapshot becomes yesterday's, so today's is computed afresh, and fails.
        await market.ExecuteAsync("UPDATE figures_snapshots SET day = @yesterday", new { yesterday = today.AddDays(-1) });
        await market.ExecuteAsync("ALTER TABLE placements RENAME TO placements_away");
        var regionPage = await municipality.GetStringAsync("/gemeente");
        var nationalPage = await national.GetStringAsync("/landelijk");
        await market.ExecuteAsync("ALTER TABLE placements_away RENAME TO placements");

        var failedToday = $"De cijfers van {Dutch.LongDate(today)} konden nog niet worden berekend.";
        Assert.DoesNotContain("figures-of-a-failed-day", computedToday);
        Assert.All(new[] { regionPage, nationalPage }, page =>
        {
            Assert.Contains(failedToday, page);
            Assert.Contains($"Stand van {Dutch.LongDate(today.AddDays(-1))}", page);
        });
    }
}
