using Matchmaker.Silo.Data;

namespace Matchmaker.Web.Infrastructure;

public static class DataExtensions
{
    public static WebApplicationBuilder AddMatchmakerData(this WebApplicationBuilder builder)
    {
        // Resolved from the final configuration, so test hosts and environment variables can choose the database.
        builder.Services.AddSingleton(services => Database.FromConfiguration(services.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(services => DemoOptions.FromConfiguration(
            services.GetRequiredService<IConfiguration>(), services.GetRequiredService<Database>().Provider));
        builder.Services.AddSingleton<DatabaseStartup>();
        builder.Services.AddSingleton(TimeProvider.System);
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
