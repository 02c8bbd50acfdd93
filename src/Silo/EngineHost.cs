using Matchmaker.Silo.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Matchmaker.Silo;

/// <summary>
/// The engine as its own process: the region timers (hold expiry, scheduled rounds) against the configured
/// database. With PostgreSQL, several engine and web nodes share the work region by region.
/// </summary>
public static class EngineHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddMatchmakerEngine();
        using var host = builder.Build();
        try
        {
            var database = host.Services.GetRequiredService<Database>();
            Console.Out.WriteLine($"Matchmaker engine on {database.Describe}");
            await host.Services.GetRequiredService<DatabaseStartup>().PrepareAsync(line => Console.Out.WriteLine(line));
        }
        catch (Exception e) when (e is StartupException or DatabaseConfigurationException)
        {
            Console.Error.WriteLine($"Matchmaker engine cannot start: {e.Message}");
            return 1;
        }
        await host.RunAsync();
        return 0;
    }
}
