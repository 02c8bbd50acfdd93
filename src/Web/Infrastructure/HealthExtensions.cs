using Matchmaker.Silo.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Matchmaker.Web.Infrastructure;

public static class HealthExtensions
{
    public static IServiceCollection AddMatchmakerHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseReadyCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary><c>/healthz</c>: the process answers. <c>/readyz</c>: the database is reachable and its migrations are current.</summary>
    public static void MapMatchmakerHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new() { Predicate = check => check.Tags.Contains("ready") });
    }

    private sealed class DatabaseReadyCheck(Database database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var status = await new Migrator(database).StatusAsync(cancellationToken);
                return status.IsCurrent
                    ? HealthCheckResult.Healthy($"{database.Provider}: migrations current at {status.LatestKnown:0000}")
                    : HealthCheckResult.Unhealthy($"{database.Provider}: {status.Pending.Count} migration(s) pending");
            }
            catch (Exception e) when (e is System.Data.Common.DbException or MigrationException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"{database.Provider}: {e.Message}");
            }
        }
    }
}
