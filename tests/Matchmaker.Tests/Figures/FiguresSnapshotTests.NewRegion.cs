using Matchmaker.Silo.Figures;
using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Retention;

namespace Matchmaker.Tests.Figures;

public sealed partial class FiguresSnapshotTests
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ARegionAddedAfterTheDaysFiguresWerePublished_GetsItsOwnPageThatDay_AndEveryRowPublishedStands(string provider)
    {
        await using var scenario = await RetentionScenario.StartAsync(provider);
        var clock = scenario.Clock;
        FiguresSnapshots Node() => NodeOf(scenario);
        var published = await Node().ShortageAsync(Region);
        var publishedNational = await Node().NationalAsync(null);
        var rowsBefore = await scenario.Db.ScalarAsync<long>("SELECT count(*) FROM figures_snapshots");
        await scenario.Db.ExecuteAsync("INSERT INTO regions (code, name, lat, lon) VALUES ('nieuw-west', 'Nieuw-West', 52.37, 4.80)");
        clock.Now = clock.Now.AddMinutes(5);

        var added = await Node().ShortageAsync("nieuw-west");
        var regionAfter = await Node().ShortageAsync(Region);
        var nationalAfter = await Node().NationalAsync(null);

        Assert.Equal(published.Day, added.Day);
        Assert.Equal("nieuw-west", added.Figures.RegionCode);
        Assert.Equal(0, added.Figures.WaitingTotal.Value);
        Assert.Equal(Json(published), Json(regionAfter));
        Assert.Equal(Json(publishedNational), Json(nationalAfter));
        Assert.Equal(rowsBefore + 1, await scenario.Db.ScalarAsync<long>("SELECT count(*) FROM figures_snapshots"));
    }
}
