using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Retention;

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
        Assert.Equal(Json(published), Json(whileBroken));
        Assert.Equal(Json(publishedNational), Json(nationalWhileBroken));
        Assert.Equal(0, stored);
        Assert.Equal(firstDay.AddDays(1), mended.Day);
    }
}
