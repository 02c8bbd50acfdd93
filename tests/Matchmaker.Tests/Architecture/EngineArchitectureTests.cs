using System.Text.RegularExpressions;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Architecture;

/// <summary>
/// The arrows stay honest: the web binds, authorises and translates, the engine owns the data. No SQL and no database
/// access in src/Web; every market table written only by the grain that owns it.
/// </summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed partial class EngineArchitectureTests
{
    private static readonly string Source = Path.Combine(WebNode.RepositoryRoot(), "src");

    /// <summary>Who may write each market table: its owning grain (and the sibling-group rows the request grains share).</summary>
    private static readonly Dictionary<string, string[]> Owners = new()
    {
        ["offerings"] = ["Silo/Grains/OfferingGrain.cs"],
        // Retention (RegionRetention, called only by RegionGrain) clears a closed request's decline notes: free text, not units.
        ["holds"] = ["Silo/Grains/OfferingGrain.cs", "Silo/Retention/RegionRetention.cs"],
        ["placements"] = ["Silo/Grains/OfferingGrain.cs"],
        // A hold moves its children's rows and an acceptance closes them (OfferingGrain), a request's own changes (RequestGrain),
        // a group's changes (SiblingGroups, called only by RequestGrain and SiblingGroupGrain).
        // and retention's reduction of requests closed long ago (RegionRetention, called only by RegionGrain; it moves the version).
        ["requests"] = ["Silo/Grains/OfferingGrain.cs", "Silo/Requests/RequestGrain.cs", "Silo/Requests/SiblingGroups.cs", "Silo/Retention/RegionRetention.cs"],
    };

    /// <summary>Loading the demo market writes every table once, before the engine starts; nothing else may.</summary>
    private static readonly string[] Seeding = ["Silo/Demo/DemoSeeder.cs"];

    [Fact]
    public void TheWeb_ReferencesNoDatabaseDriverOrDapper()
    {
        var references = typeof(Program).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name is "Dapper" or "Npgsql" or "Microsoft.Data.Sqlite");
    }

    [Fact]
    public void TheWebSource_HoldsNoSqlAndOpensNoConnection()
    {
        var offences = Lines("Web").Where(x => Sql().IsMatch(x.Line) || DatabaseAccess().IsMatch(x.Line))
            .Select(x => $"{x.File}:{x.Number}: {x.Line.Trim()}").ToList();

        Assert.Empty(offences);
    }

    [Fact]
    public void EveryMarketTable_IsWrittenOnlyByTheGrainThatOwnsIt()
    {
        var offences = Lines("Silo").Concat(Lines("Web"))
            .Select(x => (x.File, x.Number, Table: MarketWrite().Match(x.Line) is { Success: true } m ? m.Groups["table"].Value : null))
            .Where(x => x.Table is not null && !Owners[x.Table].Contains(x.File) && !Seeding.Contains(x.File))
            .Select(x => $"{x.File}:{x.Number} writes {x.Table}").ToList();

        Assert.Empty(offences);
    }

    [Fact]
    public void TheCheck_FindsAWriteOutsideItsOwner()
    {
        Assert.Matches(MarketWrite(), "            UPDATE holds SET status = 'released' WHERE id = @id");
        Assert.Matches(Sql(), "\"SELECT count(*) FROM holds\"");
        Assert.Matches(DatabaseAccess(), "await using var connection = await database.OpenAsync();");
    }

    private static IEnumerable<(string File, int Number, string Line)> Lines(string project)
    {
        var root = Path.Combine(Source, project);
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                           && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .SelectMany(file => File.ReadLines(file).Select((line, i) =>
                (Path.GetRelativePath(Source, file).Replace(Path.DirectorySeparatorChar, '/'), i + 1, line)));
    }

    [GeneratedRegex(@"\b(SELECT\s+[\w*(]|INSERT\s+INTO\b|DELETE\s+FROM\b|UPDATE\s+\w+\s+SET\b)")]
    private static partial Regex Sql();

    [GeneratedRegex(@"\b(OpenAsync\(|BeginWriteAsync\(|DbConnection\b|DbTransaction\b|using Dapper;)")]
    private static partial Regex DatabaseAccess();

    [GeneratedRegex(@"\b(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?<table>offerings|holds|placements|requests)\b")]
    private static partial Regex MarketWrite();
}
