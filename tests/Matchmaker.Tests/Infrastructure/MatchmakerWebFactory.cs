using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>
/// The real web app on a test database; demo mode on with the small demo market unless told otherwise. Webhooks may
/// post to the tests' receiver on loopback (<see cref="HookReceiver"/>) unless <paramref name="loopbackHooks"/> is false:
/// the allowance exists only in the Test and Development environments. <paramref name="settings"/> adds to or overrides
/// the configuration (an identity provider, for example).
/// </summary>
public sealed class MatchmakerWebFactory(
    TestDatabase database, bool demo = true, bool loopbackHooks = true, IReadOnlyDictionary<string, string>? settings = null)
    : WebApplicationFactory<Program>
{
    /// <summary>
    /// A test host does not watch its settings files: each watch takes one of the machine's inotify instances (128 per
    /// user by default), and many hosts in several test runs at once ran out of them.
    /// </summary>
    public const string NoReloadOnChange = "DOTNET_hostBuilder__reloadConfigOnChange";

    static MatchmakerWebFactory() => Environment.SetEnvironmentVariable(NoReloadOnChange, "false");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Test");
        builder.UseSetting("Database:Provider", database.Provider);
        builder.UseSetting("ConnectionStrings:Matchmaker", database.ConnectionString);
        builder.UseSetting("Demo:Enabled", demo ? "true" : "false");
        builder.UseSetting("Demo:Scale", "small");
        builder.UseSetting(Silo.Webhooks.WebhookDestinations.AllowLoopbackSetting, loopbackHooks ? "true" : "false");
        // Every test app hosts its own one-node silo: each needs a port of its own.
        builder.UseSetting("Orleans:SiloPort", WebNode.FreePort().ToString());
        // PostgreSQL needs the key ring's certificate named; on SQLite the test names it too, so that no test host
        // makes one beside the test databases in the shared temp folder (KeyRingTests try that on a folder of their own).
        foreach (var (key, value) in TestKeyRing.Settings)
            builder.UseSetting(key.Replace("__", ":"), value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            builder.UseSetting(key, value);
    }
}
