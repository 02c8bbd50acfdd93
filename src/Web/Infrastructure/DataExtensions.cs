using Matchmaker.Silo;
using Matchmaker.Silo.Data;

namespace Matchmaker.Web.Infrastructure;

public static class DataExtensions
{
    /// <summary>The data store and the engine; the single-node default runs the engine's timers in this process.</summary>
    public static WebApplicationBuilder AddMatchmakerData(this WebApplicationBuilder builder)
    {
        builder.Services.AddMatchmakerEngine();
        return builder;
    }

    /// <summary>Migrates, and seeds the demo on first run; on failure prints one line and says no.</summary>
    public static async Task<bool> PrepareDatabaseAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Matchmaker.Startup");
        try
        {
            var database = app.Services.GetRequiredService<Database>();
            logger.LogInformation("Database: {Database}", database.Describe);
            await app.Services.GetRequiredService<DatabaseStartup>().PrepareAsync(line => logger.LogInformation("{Line}", line.Trim()));
            return true;
        }
        catch (Exception e) when (e is StartupException or DatabaseConfigurationException)
        {
            Console.Error.WriteLine($"Matchmaker cannot start: {e.Message}");
            return false;
        }
    }
}
