using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Matchmaker.Silo.Access;
using Matchmaker.Silo.Market;

namespace Matchmaker.Silo.Requests;

/// <summary>
/// Siblings share a group code in their region. A desk sets any code of its region. A caseworker groups only children
/// they filed themselves: the code they type is stored with a mark of their own (<c>label~1a2b3c4d</c>), so it can
/// never name another family's group, and typing a code they saw elsewhere joins nothing.
/// </summary>
public static class SiblingGroups
{
    public const int MaxLength = 60;

    /// <summary>The code as stored for what the actor typed; null when nothing was typed.</summary>
    public static string? AsStored(Actor actor, string? typed)
    {
        var label = string.IsNullOrWhiteSpace(typed) ? null : typed.Trim();
        if (label is null || actor.Role != Roles.Caseworker) return label;
        var mark = SHA256.HashData(Encoding.UTF8.GetBytes($"{actor.Id:N}/{label}"));
        return $"{label}~{Convert.ToHexStringLower(mark)[..8]}";
    }

    /// <summary>A member's row as a change of the group left it.</summary>
    public sealed record Member(Guid Id, long Version);

    /// <summary>
    /// Moves the version of every open member's row (they stay in the group): whatever judged the group before (a hold)
    /// now fails on its versions. Rows are taken one at a time in id order, the order a hold takes them in, so two such
    /// transactions on PostgreSQL wait for each other instead of deadlocking.
    /// </summary>
    public static Task<List<Member>> TouchAsync(DbConnection connection, DbTransaction transaction, string regionCode, string group) =>
        EachMemberAsync(connection, transaction, regionCode, group, "version = version + 1");

    /// <summary>Every open member leaves the group (a split), its row's version moved, in id order as <see cref="TouchAsync"/>.</summary>
    public static Task<List<Member>> LeaveAsync(DbConnection connection, DbTransaction transaction, string regionCode, string group) =>
        EachMemberAsync(connection, transaction, regionCode, group, "sibling_group = NULL, version = version + 1");

    private static async Task<List<Member>> EachMemberAsync(DbConnection connection, DbTransaction transaction, string regionCode, string group,
        string set)
    {
        var members = new List<Member>();
        var ids = await connection.QueryAsync<Guid>(
            "SELECT id FROM requests WHERE region_code = @regionCode AND sibling_group = @group AND status = 'open' ORDER BY id",
            new { regionCode, group }, transaction);
        foreach (var id in ids)
            if (await connection.QuerySingleOrDefaultAsync<long?>($"""
                    UPDATE requests SET {set}
                    WHERE id = @id AND region_code = @regionCode AND sibling_group = @group AND status = 'open'
                    RETURNING version
                    """, new { id, regionCode, group }, transaction) is { } version)
                members.Add(new Member(id, version));
        return members;
    }
}
