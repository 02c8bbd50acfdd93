using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Matchmaker.Silo.Market;

/// <summary>Timer settings: <c>Engine:TimerSeconds</c> (default 10) and <c>Engine:ScheduledRoundMinutes</c> (default 60).</summary>
public sealed record EngineOptions(TimeSpan TimerInterval, TimeSpan ScheduledRoundInterval)
{
    public static EngineOptions FromConfiguration(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Engine:TimerSeconds", 10.0)),
        TimeSpan.FromMinutes(configuration.GetValue("Engine:ScheduledRoundMinutes", 60.0)));
}

/// <summary>
/// The background work of the regions this node owns: releasing expired holds, and a matching round on a
/// schedule for regions that enabled it (the round is stored for the desk; it does not place holds by itself).
/// </summary>
public sealed class RegionTimers(
    Database database, RegionLeases leases, OfferingCapacity capacity, MatchingRounds rounds, EngineOptions options,
    TimeProvider clock, ILogger<RegionTimers> logger) : BackgroundService
{
    private sealed class RegionSchedule
    {
        public string Code { get; init; } = "";
        public bool ScheduledMatching { get; init; }
        public DateTimeOffset? LastRound { get; init; }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or MarketRuleException or TimeoutException)
            {
                logger.LogError(e, "Region timers failed this round; trying again at the next tick");
            }
            try
            {
                await Task.Delay(options.TimerInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async Task TickAsync(CancellationToken cancellationToken)
    {
        List<RegionSchedule> regions;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            regions = (await connection.QueryAsync<RegionSchedule>("""
                SELECT r.code AS Code, r.scheduled_matching AS ScheduledMatching,
                       (SELECT max(m.created_at) FROM matching_rounds m WHERE m.region_code = r.code) AS LastRound
                FROM regions r ORDER BY r.code
                """)).ToList();
        }
        var owned = await leases.RefreshAsync(regions.Select(r => r.Code), cancellationToken);
        foreach (var region in regions.Where(r => owned.Contains(r.Code)))
        {
            var expired = await capacity.ExpireDueHoldsAsync(region.Code, cancellationToken);
            if (expired > 0) logger.LogInformation("Released {Count} expired hold(s) in {Region}", expired, region.Code);
            if (region.ScheduledMatching && (region.LastRound is null || clock.GetUtcNow() - region.LastRound >= options.ScheduledRoundInterval))
                await rounds.RunAsync(Actor.System with { RegionCode = region.Code }, region.Code, cancellationToken);
        }
    }
}
