using Matchmaker.Silo.Admin;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Demo;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo;

/// <summary>
/// The capacity engine's host and the admin command line:
/// <c>migrate</c>, <c>seed [--reset] [--seed N]</c>, <c>status</c>, and <c>solve INSTANCE.json</c>.
/// </summary>
public static class SiloProgram
{
    private const string Usage = """
        Usage: Matchmaker.Silo <command> [options]

        Commands:
          (none) | run               run the engine: hold expiry and scheduled matching rounds for the regions this node owns
          migrate                    apply pending database migrations
          status                     show the database and its migrations
          seed [--reset] [--seed N]  load the demo market into an empty database; --reset drops everything first
          solve INSTANCE.json [--repeat N]
                                     run the matcher on an instance file and print the result as JSON;
                                     with --repeat, solve it N more times and print the cold and warm median times
          users add --email E --name N --role R [--region C] [--organisation ID]
                                     add a person (password on standard input, at least 12 characters)
          users list [--region C]    list people and whether they are active, locked or disabled, and have TOTP
          users disable|enable --email E
          users set-role --email E --role R [--region C] [--organisation ID]
          users reset-password --email E   (new password on standard input)
          users reset-mfa --email E  forget the second factor (TOTP, recovery codes); enrols again at next sign-in
                                     each ends the person's sessions within a minute
          tokens add --name N --role R --scopes "S S" [--region C] [--organisation ID] [--expires-days D]
                                     add an API client (default 365 days); prints its token once
          tokens list [--region C]   list API clients with scopes, expiry and revocation
          tokens revoke --id ID      revoke a token at once
          backup PATH                copy the embedded database consistently while Matchmaker runs
          restore PATH               put a backup back (refused while Matchmaker runs)
          organisations list [--kind K] [--region C]
                                     list organisations and their ids
          population load --file F   load children (0-17) per jeugdregio from a CBS export (all lines or none)
          population list            the newest year loaded per region

        The database comes from Database:Provider (sqlite|postgres) and ConnectionStrings:Matchmaker,
        read from appsettings.json, environment variables (Database__Provider, ConnectionStrings__Matchmaker)
        or --Database:Provider=... arguments.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help" or "help")
        {
            Console.Out.WriteLine(Usage);
            return 0;
        }
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
            return await EngineHost.RunAsync(args);
        var command = args[0];
        var rest = args[1..];
        try
        {
            return command switch
            {
                "migrate" => await MigrateAsync(rest),
                "status" => await StatusAsync(rest),
                "seed" => await SeedAsync(rest),
                "solve" => await SolveCommand.RunAsync(rest),
                "run" => await EngineHost.RunAsync(rest),
                "users" or "tokens" or "organisations" or "population" => await AdminCommands.RunAsync(command, rest, Configuration(rest)),
                "backup" => await BackupCommands.BackupAsync(rest.Where(a => !a.Contains('=')).ToArray(), Configuration(rest)),
                "restore" => await BackupCommands.RestoreAsync(rest.Where(a => !a.Contains('=')).ToArray(), Configuration(rest)),
                _ => Fail($"Unknown command '{command}'.\n\n{Usage}"),
            };
        }
        catch (Exception e) when (e is StartupException or DatabaseConfigurationException or MigrationException)
        {
            return Fail(e.Message, exitCode: 1);
        }
    }

    private static int Fail(string message, int exitCode = 2)
    {
        Console.Error.WriteLine(message);
        return exitCode;
    }

    private static IConfiguration Configuration(string[] args) =>
        new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')).ToArray())
            .Build();

    private static async Task<int> MigrateAsync(string[] args)
    {
        await using var database = Database.FromConfiguration(Configuration(args));
        var startup = new DatabaseStartup(database, new DemoOptions(false));
        IReadOnlyList<Migration> applied = [];
        await startup.RunAsync(async () => applied = await new Migrator(database).MigrateAsync());
        Console.Out.WriteLine(applied.Count == 0
            ? $"{database.Describe} is up to date."
            : $"{database.Describe}: applied {string.Join(", ", applied.Select(m => m.Name))}.");
        return 0;
    }

    private static async Task<int> StatusAsync(string[] args)
    {
        await using var database = Database.FromConfiguration(Configuration(args));
        MigrationStatus? status = null;
        await new DatabaseStartup(database, new DemoOptions(false)).RunAsync(async () => status = await new Migrator(database).StatusAsync());
        Console.Out.WriteLine($"{database.Describe}");
        Console.Out.WriteLine($"  applied: {(status!.Applied.Count == 0 ? "none" : string.Join(", ", status.Applied.Select(v => v.ToString("0000"))))}");
        Console.Out.WriteLine($"  pending: {(status.Pending.Count == 0 ? "none" : string.Join(", ", status.Pending.Select(m => m.Name)))}");
        return 0;
    }

    private static async Task<int> SeedAsync(string[] args)
    {
        var reset = args.Contains("--reset");
        var seed = DemoDataGenerator.DefaultSeed;
        var seedIndex = Array.IndexOf(args, "--seed");
        if (seedIndex >= 0 && (seedIndex + 1 >= args.Length || !int.TryParse(args[seedIndex + 1], out seed)))
            return Fail("--seed needs a whole number, e.g. --seed 42.");
        var unknown = args.Where((a, i) => a != "--reset" && a != "--seed" && (seedIndex < 0 || i != seedIndex + 1) && !a.Contains('=')).ToList();
        if (unknown.Count > 0)
            return Fail($"Unknown option '{unknown[0]}' for seed.\n\n{Usage}");

        var configuration = Configuration(args);
        await using var database = Database.FromConfiguration(configuration);
        var demo = DemoOptions.FromConfiguration(configuration, database.Provider);
        if (!demo.Enabled)
            return Fail($"Demo mode is off for {database.Describe} (Demo:Enabled=false): refusing to load demo accounts into a production database.");

        var startup = new DatabaseStartup(database, demo);
        var seeder = new DemoSeeder(database);
        var started = DateTime.UtcNow;
        DemoSeeder.SeedResult? result = null;
        await startup.RunAsync(async () =>
        {
            if (reset)
            {
                Console.Out.WriteLine($"Dropping everything in {database.Describe}...");
                await seeder.DropEverythingAsync();
            }
            await new Migrator(database).MigrateAsync();
            Console.Out.WriteLine($"Generating the demo market (seed {seed})...");
            var data = DemoDataGenerator.Generate(seed, DateOnly.FromDateTime(DateTime.UtcNow), demo.Scale);
            result = await seeder.SeedAsync(data, line => Console.Out.WriteLine(line));
        });
        Console.Out.WriteLine(result!.Seeded
            ? $"Seeded {database.Describe} in {(DateTime.UtcNow - started).TotalSeconds:0.0} s."
            : $"{database.Describe} already holds data; nothing seeded. Use 'seed --reset' to start again.");
        return 0;
    }
}
