using Matchmaker.Silo.Data;
using Matchmaker.Silo.Figures;
using Matchmaker.Silo.Grains;
using Matchmaker.Silo.Live;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

namespace Matchmaker.Silo.Hosting;

public static class EngineHosting
{
    /// <summary>
    /// The engine in this host: the data store and an Orleans silo with the market's grains. One node by default
    /// (localhost clustering, reminders in memory); with <c>Orleans:Clustering=redis</c> a member of a cluster.
    /// Throws <see cref="ClusterConfigurationException"/> for settings that cannot work.
    /// </summary>
    public static ClusterSettings AddMatchmakerEngine(this IHostApplicationBuilder builder)
    {
        var cluster = ClusterSettings.FromConfiguration(builder.Configuration);
        // Orleans reads a section Orleans:Clustering as its own provider definition; ours is one word (localhost|redis),
        // already read above, so Orleans must not see it.
        builder.Configuration.AddInMemoryCollection([new("Orleans:Clustering", null)]);
        var engine = EngineOptions.FromConfiguration(builder.Configuration);
        Retention.RetentionOptions.FromConfiguration(builder.Configuration); // a bad value stops the start here, in one line
        builder.Services.AddMatchmakerEngineServices();
        builder.Services.AddSingleton(cluster);
        builder.UseOrleans(silo => silo.UseMatchmakerCluster(cluster, engine));
        return cluster;
    }

    /// <summary>What the grains and the hosts use: one connection factory, the journal, the live feed, time, the figures area.</summary>
    public static IServiceCollection AddMatchmakerEngineServices(this IServiceCollection services)
    {
        services.AddSingleton(provider => Database.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton(provider => DemoOptions.FromConfiguration(
            provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<Database>().Provider));
        services.AddSingleton(provider => EngineOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<DatabaseStartup>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<Journal>();
        services.AddSingleton(provider => Retention.RetentionOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<Retention.RegionRetention>();
        services.AddSingleton<MatchingRounds>();
        services.AddSingleton<Requests.RequestReads>();
        services.AddSingleton(provider => Requests.HomeAreaOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<Offerings.OfferingReads>();
        services.AddSingleton<Offerings.CapacitySheets>();
        services.AddSingleton<Requests.ChildTimelines>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Regions.RegionNames>();
        services.AddSingleton<Regions.Municipalities>();
        services.AddSingleton<Offerings.HoldReads>();
        services.AddSingleton<Offerings.PlacementReads>();
        services.AddSingleton<Grains.HoldOwners>();
        services.AddSingleton<Requests.EndedHolds>();
        services.AddSingleton<Grains.HoldCommands>();
        services.AddSingleton<Networks.NetworkReads>();
        services.AddSingleton<Offerings.LocationContacts>();
        services.AddSingleton<EventFeed>();
        services.AddSingleton<Webhooks.WebhookSubscriptions>();
        services.AddSingleton<Access.Accounts>();
        services.AddSingleton<Access.ApiTokenMemory>();
        services.AddHostedService(provider => provider.GetRequiredService<Access.ApiTokenMemory>());
        services.AddSingleton<Access.ApiClients>();
        services.AddSingleton<Access.LiveCallers>();
        services.AddSingleton<Access.SignInThrottle>();
        services.AddSingleton<Access.SecondFactors>();
        services.AddSingleton<Access.Passkeys>();
        services.AddSingleton<Access.OrganisationSignIns>();
        services.AddSingleton<Access.OrganisationSessions>();
        services.AddSingleton<Webhooks.WebhookSender>();
        services.AddSingleton<Webhooks.WebhookSecrets>();
        services.AddSingleton(provider => Webhooks.WebhookDestinations.FromConfiguration(
            provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<IHostEnvironment>()));
        // The web host adds it too (cookies); a silo on its own needs it for the webhook secrets. Keys: see docs/security.md.
        services.AddDataProtection();
        services.AddSingleton<LiveFeed>();
        services.AddHostedService(provider => provider.GetRequiredService<LiveFeed>());
        services.AddMatchmakerFigures();
        return services;
    }

    public static ISiloBuilder UseMatchmakerCluster(this ISiloBuilder silo, ClusterSettings cluster, EngineOptions engine)
    {
        if (cluster.UsesRedis)
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ServiceId = cluster.ServiceId;
                options.ClusterId = cluster.ClusterId;
            });
            silo.Configure<EndpointOptions>(options =>
            {
                options.SiloPort = cluster.SiloPort;
                options.GatewayPort = cluster.GatewayPort;
                if (cluster.AdvertisedIPAddress is not null) options.AdvertisedIPAddress = cluster.AdvertisedIPAddress;
            });
            silo.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
            silo.UseRedisReminderService(options => options.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString!));
            // A killed node is declared dead after two missed one-second probes, so its grains answer elsewhere within seconds.
            silo.Configure<ClusterMembershipOptions>(options =>
            {
                options.ProbeTimeout = TimeSpan.FromSeconds(1);
                options.NumMissedProbesLimit = 2;
                options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
            });
            if (cluster.GrainsFollowCallers) silo.AddCallerLocality();
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
            silo.UseInMemoryReminderService();
        }
        silo.Configure<ReminderOptions>(options =>
            options.MinimumReminderPeriod = engine.RegionWakeInterval < options.MinimumReminderPeriod ? engine.RegionWakeInterval : options.MinimumReminderPeriod);
        silo.AddStartupTask<RegionStartup>();
        // Every silo collects what the Orleans dashboard shows; the web nodes serve it at /ops/orleans.
        silo.AddDashboard();
        return silo;
    }
}
