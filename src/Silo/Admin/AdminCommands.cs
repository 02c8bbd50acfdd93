using System.Text.RegularExpressions;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Matchmaker.Silo.Market;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo.Admin;

/// <summary>
/// Accounts for production, where no demo account exists: people (<c>users add|list|disable|enable|set-role|reset-password</c>),
/// systems (<c>tokens add|list|revoke</c>), <c>organisations list</c> and the children per region (<c>population load|list</c>). Every change of a person's role, password or
/// status gives them a new security stamp, which ends their sessions within a minute; every change is audited.
/// </summary>
public static partial class AdminCommands
{
    private static readonly string[] Kinds = ["provider", "certified-institution", "desk", "municipality"];

    public static async Task<int> RunAsync(string area, string[] args, IConfiguration configuration)
    {
        var options = ParseOptions(args, out var problem);
        if (problem is not null) return Fail(problem);
        var verb = args.FirstOrDefault();
        return area switch
        {
            "users" => await UserCommands.RunAsync(verb, options, configuration),
            "tokens" => await TokenCommands.RunAsync(verb, options, configuration),
            "population" => await PopulationCommands.RunAsync(verb, options, configuration),
            "organisations" when verb == "list" => await ListOrganisationsAsync(options, configuration),
            _ => Fail($"Unknown command '{area} {string.Join(' ', args)}'. Use 'organisations list'."),
        };
    }

    private static async Task<int> ListOrganisationsAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        var kind = options.GetValueOrDefault("kind");
        if (kind is not null && !Kinds.Contains(kind)) return Fail($"--kind must be one of {string.Join(", ", Kinds)}.");
        await using var database = Database.FromConfiguration(configuration);
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<(Guid Id, string Kind, string Name, string? Region)>("""
            SELECT id, kind, name, region_code FROM organisations
            WHERE (@kind IS NULL OR kind = @kind) AND (@region IS NULL OR region_code = @region)
            ORDER BY kind, name
            """, new { kind, region = options.GetValueOrDefault("region") });
        foreach (var row in rows)
            Console.Out.WriteLine($"{row.Id}  {row.Kind,-22} {row.Region ?? "-",-22} {row.Name}");
        return 0;
    }

    internal sealed record Owner(string? Region, Guid? Organisation, string? Problem);

    /// <summary>The role must fit: a desk, caseworker, municipality or network (its seat) needs a region; a provider needs its organisation.</summary>
    internal static async Task<Owner> CheckOwnerAsync(Database database, Dictionary<string, string> options)
    {
        var role = options["role"];
        if (!Roles.All.Contains(role)) return new(null, null, $"--role must be one of {string.Join(", ", Roles.All)}.");
        var region = options.GetValueOrDefault("region");
        Guid? organisation = null;
        if (options.TryGetValue("organisation", out var text))
        {
            if (!Guid.TryParse(text, out var parsed)) return new(null, null, $"--organisation '{text}' is not an id; see 'organisations list'.");
            organisation = parsed;
        }
        if (role is Roles.Desk or Roles.Caseworker or Roles.Municipality or Roles.Network && region is null)
            return new(null, null, $"A {role} works for one region: give --region.");
        if (role == Roles.Provider && organisation is null)
            return new(null, null, "A provider acts for its organisation: give --organisation (see 'organisations list --kind provider').");
        if (role is Roles.National or Roles.Admin && region is not null)
            return new(null, null, $"A {role} belongs to no region: leave out --region.");
        await using var connection = await database.OpenAsync();
        if (region is not null && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM regions WHERE code = @region", new { region }) == 0)
            return new(null, null, $"Region '{region}' does not exist.");
        if (organisation is not null && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM organisations WHERE id = @organisation", new { organisation }) == 0)
            return new(null, null, $"Organisation {organisation} does not exist.");
        return new(role == Roles.Provider ? null : region, organisation, null);
    }

    private static readonly Actor CommandLine = new(null, "system", "admin-cli", null, null);

    /// <summary>An administrative change, audited as done by Matchmaker's command line.</summary>
    internal static Task AuditAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, string action,
        string subjectType, string subjectId, string? region, string detail) =>
        Journal.Append(connection, transaction, CommandLine, action, subjectType, subjectId, region, detail);

    private static Dictionary<string, string> ParseOptions(string[] args, out string? problem)
    {
        problem = null;
        var options = new Dictionary<string, string>();
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i].Contains('=') && args[i].StartsWith("--", StringComparison.Ordinal) && args[i].Contains(':')) continue;
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                problem = $"Expected '--option value', got '{args[i]}'.";
                return options;
            }
            options[args[i][2..]] = args[++i];
        }
        return options;
    }

    internal static string? Missing(Dictionary<string, string> options, params string[] required) =>
        required.FirstOrDefault(name => !options.ContainsKey(name)) is { } name ? $"--{name} is required." : null;

    internal static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    internal static bool IsEmail(string text) => Market.EmailAddress.IsValid(text);

    /// <summary>The real (not demo) user with this e-mail address, read inside the command's transaction.</summary>
    internal static Task<(Guid Id, string? Region)?> UserByEmailAsync(System.Data.Common.DbConnection connection,
        System.Data.Common.DbTransaction transaction, string email) =>
        connection.QuerySingleOrDefaultAsync<(Guid Id, string? Region)?>(
            "SELECT id, region_code FROM users WHERE email = @email AND is_demo = false", new { email }, transaction);
}
