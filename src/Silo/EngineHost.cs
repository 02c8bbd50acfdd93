using Matchmaker.Silo.Data;
using Matchmaker.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Matchmaker.Silo;

/// <summary>
/// A headless engine node: the Orleans silo without the web front. It expires holds and runs scheduled rounds for the
/// regions whose grains it hosts; with <c>Orleans:Clustering=redis</c> it joins the web nodes' cluster.
/// </summary>
public static class EngineHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        ClusterSettings cluster;
        try
        {
            cluster = builder.AddMatchmakerEngine();
        }
        catch (ClusterConfigurationException e)
        {
            Console.Error.WriteLine($"Matchmaker engine cannot start: {e.Message}");
            return 1;
        }
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
        await RedisWait.UntilReachableAsync(cluster, line => Console.Out.WriteLine(line));
        await host.RunAsync();
        return 0;
    }
}
