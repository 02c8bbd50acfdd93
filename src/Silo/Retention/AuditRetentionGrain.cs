using Matchmaker.Silo.Market;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Retention;

/// <summary>
/// The retention of what belongs to no region (audit entries of sign-ins, accounts and the command line; the change log;
/// idempotency keys): one grain (key 0),
/// the single owner of that run, as each region's grain owns its region's. Its clock asks every hour whether a run is
/// due (<c>Retention:IntervalHours</c> since the last, which lives in the audit log); its reminder brings it back on
/// another node.
/// </summary>
public interface IAuditRetentionGrain : IGrainWithIntegerKey, IRemindable
{
    Task Start();

    /// <summary>Removes now what belongs to no region and is past its time (<see cref="RegionRetention.RunWithoutRegionAsync"/>); answers how many.</summary>
    Task<RetentionWithoutRegion> Run();
}

public sealed class AuditRetentionGrain(RegionRetention retention, RetentionOptions options, ILogger<AuditRetentionGrain> logger)
    : Grain, IAuditRetentionGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(RunIfDueAsync, new GrainTimerCreationOptions(TimeSpan.Zero, TimeSpan.FromHours(1)) { KeepAlive = true, Interleave = false });
        return Task.CompletedTask;
    }

    public Task Start() => this.RegisterOrUpdateReminder("wake", TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

    // Being activated is all a wake-up needs: activation starts the timer.
    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public Task<RetentionWithoutRegion> Run() => retention.RunWithoutRegionAsync();

    private async Task RunIfDueAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!options.Enabled || !await retention.IsDueWithoutRegionAsync()) return;
            var run = await retention.RunWithoutRegionAsync();
            logger.LogInformation("Retention removed {Audit} audit entr(ies) without a region, {Keys} idempotency key(s), and emptied {Changes} change(s) of the change log",
                run.AuditEntriesRemoved, run.IdempotencyKeysRemoved, run.ChangesEmptied);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OrleansException or TimeoutException)
        {
            logger.LogError(e, "Retention of the audit entries without a region failed; trying again at the next tick");
        }
    }
}
