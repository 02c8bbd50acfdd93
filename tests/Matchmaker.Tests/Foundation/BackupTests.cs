using Matchmaker.Tests.Infrastructure;
using Matchmaker.Tests.Market;
using Matchmaker.Tests.Security;

namespace Matchmaker.Tests.Foundation;

/// <summary>The embedded database is backed up while Matchmaker runs and writes, and the backup restores to a database that adds up.</summary>
[Trait(Lane.Name, Lane.Integration)]
public sealed class BackupTests
{
    [Fact]
    public async Task ABackupTakenUnderWriteLoad_RestoresToAConsistentDatabase_AndRestoreWaitsUntilMatchmakerStops()
    {
        await using var market = await MarketScenario.StartAsync("sqlite");
        var doors = await Doors.OpenAsync(market);
        var environment = new Dictionary<string, string> { ["Database__Provider"] = "sqlite", ["ConnectionStrings__Matchmaker"] = market.Database.ConnectionString };
        var backup = Path.Combine(Path.GetTempPath(), $"matchmaker-backup-{Guid.NewGuid():N}.db");
        using var stop = new CancellationTokenSource();
        var writes = Task.Run(async () =>
        {
            var holds = 0;
            while (!stop.IsCancellationRequested)
            {
                await doors.NewHoldAsync();
                holds++;
            }
            return holds;
        });
        await Task.Delay(500);

        var backedUp = await SiloProcess.RunAsync(["backup", backup], environment);
        var restoreWhileRunning = await SiloProcess.RunAsync(["restore", backup], environment);
        await stop.CancelAsync();
        var heldInTotal = await writes;
        await market.App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var restored = await SiloProcess.RunAsync(["restore", backup], environment);
        await using var again = new MatchmakerWebFactory(market.Database);
        (await again.CreateClient().GetAsync("/readyz")).EnsureSuccessStatusCode();

        Assert.True(backedUp.Exit == 0, backedUp.Stderr);
        Assert.Equal(2, restoreWhileRunning.Exit);
        Assert.Contains("stop it first", restoreWhileRunning.Stderr);
        Assert.True(restored.Exit == 0, restored.Stderr);
        var held = await market.ScalarAsync<long>("SELECT held_units FROM offerings WHERE id = @Offering", new { doors.Offering });
        var activeHolds = await market.ScalarAsync<long>("SELECT count(*) FROM holds WHERE offering_id = @Offering AND status = 'active'", new { doors.Offering });
        var children = await market.ScalarAsync<long>("SELECT count(*) FROM requests WHERE case_reference LIKE 'DOOR-%'");
        Assert.Equal(activeHolds, held);
        Assert.InRange(activeHolds, 1, heldInTotal - 1);
        Assert.InRange(children, activeHolds, activeHolds + 1);
        Assert.Equal("ok", await market.ScalarAsync<string>("PRAGMA integrity_check"));
        File.Delete(backup);
    }
}
