using Matchmaker.Web.Api;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace Matchmaker.Web.Infrastructure;

/// <summary>What operators see: the Orleans dashboard and the metrics in Prometheus format, for the admin role only.</summary>
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
        app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policies.Admin);
        app.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(Policies.Admin);
    }
}
