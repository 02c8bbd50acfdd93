using Dapper;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Grains;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Hosting;

/// <summary>
/// When a node starts, every region's clock is started: its grain activates (and expires what ran out while no node
/// was up) and its wake-up reminder is registered. In a cluster every node does this; it is the same each time.
/// </summary>
public sealed class RegionStartup(IGrainFactory grains, Database database, ILogger<RegionStartup> logger) : IStartupTask
{
    public async Task Execute(CancellationToken cancellationToken)
    {
        try
        {
            List<string> regions;
            await using (var connection = await database.OpenAsync(cancellationToken))
                regions = (await connection.QueryAsync<string>("SELECT code FROM regions ORDER BY code")).ToList();
            await Task.WhenAll(regions.Select(code => grains.GetGrain<IRegionGrain>(code).Start()));
            await grains.GetGrain<Webhooks.IWebhookDispatcherGrain>(0).Start();
            await grains.GetGrain<Retention.IAuditRetentionGrain>(0).Start();
            logger.LogInformation("Started the clocks of {Count} regions", regions.Count);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or OrleansException or TimeoutException)
        {
            logger.LogError(e, "Could not start the regions' clocks at start-up; their reminders start them where they are registered");
        }
    }
}
