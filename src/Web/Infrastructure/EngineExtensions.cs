using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Hosting;

namespace Matchmaker.Web.Infrastructure;

public static class EngineExtensions
{
    /// <summary>
    /// The data store, the engine's silo co-hosted in this web node, and the key ring every node shares (cookies and
    /// forms of one node are accepted by the others); false (after one line on stderr) for settings that cannot work.
    /// </summary>
    public static bool TryAddMatchmakerEngine(this WebApplicationBuilder builder)
    {
        try
        {
            var cluster = builder.AddMatchmakerEngine();
            builder.Services.AddMatchmakerKeyRing(builder.Configuration, cluster.UsesRedis);
            SecondFactors.RequiredRolesOf(builder.Configuration);
            Passkeys.Configured(builder.Configuration);
            IdentityProviders.Of(builder.Configuration, OrganisationSignIns.AllowsHttp(builder.Environment));
            return true;
        }
        catch (Exception e) when (e is ClusterConfigurationException or KeyRingConfigurationException or DatabaseConfigurationException or MfaConfigurationException
            or IdentityProviderConfigurationException or PasskeyConfigurationException)
        {
            Console.Error.WriteLine($"Matchmaker cannot start: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// Before the silo starts: migrate, seed the demo on first run, and in a cluster wait until Redis answers. On a
    /// failure it prints one line and says no.
    /// </summary>
    public static async Task<bool> PrepareEngineAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Matchmaker.Startup");
        try
        {
            var database = app.Services.GetRequiredService<Database>();
            logger.LogInformation("Database: {Database}", database.Describe);
            logger.LogInformation("{KeyRing}", app.Services.GetRequiredService<KeyRingDescription>().Text);
            var secondFactor = app.Services.GetRequiredService<SecondFactors>().RequiredRoles;
            logger.LogInformation("Two-step sign-in (Mfa:RequiredRoles) for local accounts of: {Roles}", secondFactor.Count == 0 ? "no role" : string.Join(", ", secondFactor.Order()));
            await app.Services.GetRequiredService<DatabaseStartup>().PrepareAsync(line => logger.LogInformation("{Line}", line.Trim()));
        }
        catch (Exception e) when (e is StartupException or DatabaseConfigurationException)
        {
            Console.Error.WriteLine($"Matchmaker cannot start: {e.Message}");
            return false;
        }
        await RedisWait.UntilReachableAsync(app.Services.GetRequiredService<ClusterSettings>(), line => logger.LogWarning("{Line}", line));
        return true;
    }
}
