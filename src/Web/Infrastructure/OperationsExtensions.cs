using Matchmaker.Web.Api;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// What operators see, for the admin role only: the Orleans dashboard, for people (a session, with its second factor: it
/// shows the engine's grains and their keys), and the metrics in Prometheus format, for a scraper's token as well.
/// </summary>
public static class OperationsExtensions
{
    public const string DashboardPath = "/ops/orleans";
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddMatchmakerOperations(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddMeter("Microsoft.Orleans", "Npgsql", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections")
            .AddPrometheusExporter());
        return services;
    }

    public static void MapMatchmakerOperations(this WebApplication app)
    {
        app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policies.Admin).WithMetadata(Doors.ForPeople);
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Admin);
    }
}
