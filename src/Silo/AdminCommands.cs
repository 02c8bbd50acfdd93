using System.Text.RegularExpressions;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;

namespace Matchmaker.Silo;

/// <summary>
/// Accounts for production, where no demo account exists:
/// <c>users add</c> (password read from standard input), <c>tokens add</c> (the token is printed once) and
/// <c>organisations list</c> (to find the organisation a user or token belongs to).
/// </summary>
public static partial class AdminCommands
{
    private static readonly string[] Kinds = ["provider", "certified-institution", "desk", "municipality"];
    private static readonly string[] RolesAllowed = [Roles.Desk, Roles.Caseworker, Roles.Provider, Roles.Municipality, Roles.Admin];

    public static async Task<int> RunAsync(string area, string[] args, IConfiguration configuration)
    {
        var options = ParseOptions(args, out var problem);
        if (problem is not null) return Fail(problem);
        return (area, args.FirstOrDefault()) switch
        {
            ("users", "add") => await AddUserAsync(options, configuration),
            ("tokens", "add") => await AddTokenAsync(options, configuration),
            ("organisations", "list") => await ListOrganisationsAsync(options, configuration),
            _ => Fail($"Unknown command '{area} {string.Join(' ', args)}'. Use 'users add', 'tokens add' or 'organisations list'."),
        };
    }

    private static async Task<int> AddUserAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "email", "name", "role") is { } missing) return Fail(missing);
        var email = options["email"].Trim().ToLowerInvariant();
        if (!EmailPattern().IsMatch(email)) return Fail($"--email '{email}' is not an e-mail address.");
        var password = (await Console.In.ReadLineAsync())?.Trim() ?? "";
        if (password.Length < 12) return Fail("Give the password on standard input, at least 12 characters (e.g. read -s P; echo \"$P\" | ... users add ...).");
        await using var database = Database.FromConfiguration(configuration);
        var owner = await CheckOwnerAsync(database, options);
        if (owner.Problem is not null) return Fail(owner.Problem);
        await using var connection = await database.OpenAsync();
        if (await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @email", new { email }) > 0)
            return Fail($"A user with e-mail {email} exists already.");
        var id = Guid.NewGuid();
        await connection.ExecuteAsync("""
            INSERT INTO users (id, email, display_name, role, region_code, organisation_id, password_hash, is_demo, created_at)
            VALUES (@id, @email, @name, @role, @region, @organisation, @hash, false, @now)
            """, new
        {
            id, email, name = options["name"], role = options["role"], region = owner.Region, organisation = owner.Organisation,
            hash = new PasswordHasher<object>().HashPassword(email, password), now = DateTimeOffset.UtcNow,
        });
        Console.Out.WriteLine($"User {email} ({options["role"]}) added with id {id}.");
        return 0;
    }

    private static async Task<int> AddTokenAsync(Dictionary<string, string> options, IConfiguration configuration)
    {
        if (Missing(options, "name", "role") is { } missing) return Fail(missing);
        await using var database = Database.FromConfiguration(configuration);
        var owner = await CheckOwnerAsync(database, options);
        if (owner.Problem is not null) return Fail(owner.Problem);
        var token = ApiTokens.NewToken();
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("""
            INSERT INTO api_clients (id, name, token_hash, role, region_code, organisation_id, scopes, is_demo, created_at)
            VALUES (@id, @name, @hash, @role, @region, @organisation, @scopes, false, @now)
            """, new
        {
            id = Guid.NewGuid(), name = options["name"], hash = ApiTokens.Hash(token), role = options["role"], region = owner.Region,
            organisation = owner.Organisation, scopes = options.GetValueOrDefault("scopes", ""), now = DateTimeOffset.UtcNow,
        });
        Console.Out.WriteLine(token);
        Console.Error.WriteLine("This is the only time the token is shown; Matchmaker keeps only its hash.");
        return 0;
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

    private sealed record Owner(string? Region, Guid? Organisation, string? Problem);

    /// <summary>The role must fit: a desk, caseworker or municipality needs a region; a provider needs its organisation.</summary>
    private static async Task<Owner> CheckOwnerAsync(Database database, Dictionary<string, string> options)
    {
        var role = options["role"];
        if (!RolesAllowed.Contains(role)) return new(null, null, $"--role must be one of {string.Join(", ", RolesAllowed)}.");
        var region = options.GetValueOrDefault("region");
        Guid? organisation = null;
        if (options.TryGetValue("organisation", out var text))
        {
            if (!Guid.TryParse(text, out var parsed)) return new(null, null, $"--organisation '{text}' is not an id; see 'organisations list'.");
            organisation = parsed;
        }
        if (role is Roles.Desk or Roles.Caseworker or Roles.Municipality && region is null)
            return new(null, null, $"A {role} works for one region: give --region.");
        if (role == Roles.Provider && organisation is null)
            return new(null, null, "A provider acts for its organisation: give --organisation (see 'organisations list --kind provider').");
        await using var connection = await database.OpenAsync();
        if (region is not null && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM regions WHERE code = @region", new { region }) == 0)
            return new(null, null, $"Region '{region}' does not exist.");
        if (organisation is not null && await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM organisations WHERE id = @organisation", new { organisation }) == 0)
            return new(null, null, $"Organisation {organisation} does not exist.");
        return new(role == Roles.Provider ? null : region, organisation, null);
    }

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

    private static string? Missing(Dictionary<string, string> options, params string[] required) =>
        required.FirstOrDefault(name => !options.ContainsKey(name)) is { } name ? $"--{name} is required." : null;

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
