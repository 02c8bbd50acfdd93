using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Matchmaker.Silo;

public static class EngineExtensions
{
    /// <summary>The data store and the capacity engine: one connection factory, the offering grain, rounds, timers.</summary>
    public static IServiceCollection AddMatchmakerEngine(this IServiceCollection services)
    {
        services.AddSingleton(provider => Database.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton(provider => DemoOptions.FromConfiguration(
            provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<Database>().Provider));
        services.AddSingleton(provider => EngineOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<DatabaseStartup>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<Journal>();
        services.AddSingleton<OfferingCapacity>();
        services.AddSingleton<MatchingRounds>();
        services.AddSingleton<RegionLeases>();
        services.AddHostedService<RegionTimers>();
        return services;
    }
}
