using System.Collections.Concurrent;
using System.Reflection;
using Npgsql;
using NpgsqlTypes;

namespace Matchmaker.Silo.Market;

/// <summary>
/// PostgreSQL: the change as one batch, each statement a command of its own with positional parameters (<c>$1</c> …)
/// and the COMMIT last. Written this way Npgsql neither parses the SQL nor renames parameters on every change (a tenth
/// of a node's CPU on the hold path), and a null is sent with the type its property declares, so each statement keeps
/// one prepared form: untyped, one null region or note would leave the statement parsed and planned afresh by the
/// database on every change after it.
/// </summary>
public sealed partial class ChangeRecord
{
    private static readonly ConcurrentDictionary<string, (string Sql, string[] Names)> PositionalSql = new();
    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> PropertiesByType = new();

    private async Task<List<Logged>> RunOnPostgresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset now, List<string> payloads)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        for (var i = 0; i < _statements.Count; i++)
        {
            var (statement, values, refusal) = _statements[i];
            var (sql, names) = Positional(statement);
            var command = new NpgsqlBatchCommand(refusal is null ? sql : $"WITH guarded AS ({sql}) SELECT matchmaker_guard_found(count(*), {i}) FROM guarded");
            var properties = PropertiesOf(values.GetType());
            foreach (var name in names)
            {
                var property = properties.GetValueOrDefault(name)
                    ?? throw new InvalidOperationException($"The statement's parameter @{name} is not among its values ({values.GetType().Name}).");
                command.Parameters.Add(Value(property.GetValue(values), property.PropertyType));
            }
            batch.BatchCommands.Add(command);
        }
        if (_audit.Count > 0) batch.BatchCommands.Add(AuditCommand(now));
        if (_events.Count > 0) batch.BatchCommands.Add(EventCommand(now, payloads));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        if (!ReturnsRows)
        {
            await batch.ExecuteNonQueryAsync();
            return [];
        }
        await using var reader = await batch.ExecuteReaderAsync();
        return await ReadAsync(reader);
    }

    private NpgsqlBatchCommand AuditCommand(DateTimeOffset now) => Rows(AuditInsert, now, nowFirst: true, _audit.Select(entry => new (object?, Type)[]
    {
        (entry.Actor.Id, typeof(Guid?)), (entry.Actor.Kind, typeof(string)), (entry.Actor.Role, typeof(string)),
        (entry.Actor.OrganisationId, typeof(Guid?)), (entry.RegionCode, typeof(string)), (entry.Action, typeof(string)),
        (entry.SubjectType, typeof(string)), (entry.SubjectId, typeof(string)), (entry.Detail, typeof(string)),
    }));

    private NpgsqlBatchCommand EventCommand(DateTimeOffset now, List<string> payloads) => Rows(EventInsert, now, nowFirst: false, _events.Select((e, i) => new (object?, Type)[]
    {
        (e.RegionCode, typeof(string)), (e.ProviderId, typeof(Guid?)), (e.Topic, typeof(string)), (e.AggregateId, typeof(string)),
        (e.AggregateVersion, typeof(long)), (payloads[i], typeof(string)),
    }), EventReturning);

    /// <summary>One multi-row INSERT: <c>$1</c> is the change's moment, first or last in every row as the column list puts it.</summary>
    private static NpgsqlBatchCommand Rows(string insert, DateTimeOffset now, bool nowFirst, IEnumerable<(object? Value, Type Declared)[]> rows, string returning = "")
    {
        var command = new NpgsqlBatchCommand();
        command.Parameters.Add(Value(now, typeof(DateTimeOffset)));
        var sql = new System.Text.StringBuilder(insert);
        var separator = "(";
        foreach (var row in rows)
        {
            sql.Append(separator).Append(nowFirst ? "$1, " : "");
            foreach (var (value, declared) in row)
            {
                command.Parameters.Add(Value(value, declared));
                sql.Append('$').Append(command.Parameters.Count).Append(", ");
            }
            sql.Length -= 2;
            sql.Append(nowFirst ? ")" : ", $1)");
            separator = ", (";
        }
        command.CommandText = sql.Append(returning).ToString();
        return command;
    }

    /// <summary>The statement with <c>@name</c> → <c>$k</c> (a name used twice is one parameter), and the names in order.</summary>
    private static (string Sql, string[] Names) Positional(string statement)
    {
        if (PositionalSql.TryGetValue(statement, out var known)) return known;
        var names = new List<string>();
        var sql = ParameterName().Replace(statement, match =>
        {
            var name = match.Value[1..];
            var index = names.FindIndex(known => string.Equals(known, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) names.Add(name);
            return "$" + (index < 0 ? names.Count : index + 1);
        });
        var converted = (sql, names.ToArray());
        // Statements are the engine's own text with values as parameters, so there are few; a bound keeps a mistake from growing it.
        if (PositionalSql.Count < 1_000) PositionalSql.TryAdd(statement, converted);
        return converted;
    }

    private static Dictionary<string, PropertyInfo> PropertiesOf(Type type) =>
        PropertiesByType.GetOrAdd(type, t => t.GetProperties().ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase));

    /// <summary>A positional parameter as Dapper would bind it on PostgreSQL, with a null typed by its declared type.</summary>
    private static NpgsqlParameter Value(object? value, Type declared)
    {
        var type = Nullable.GetUnderlyingType(declared) ?? declared;
        if (value is null)
            return NullType(type) is { } nullType ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = nullType } : new NpgsqlParameter { Value = DBNull.Value };
        return new NpgsqlParameter
        {
            Value = value switch
            {
                DateTimeOffset timestamp => timestamp.ToUniversalTime(),
                Enum member => Convert.ChangeType(member, Enum.GetUnderlyingType(member.GetType()), System.Globalization.CultureInfo.InvariantCulture),
                _ => value,
            },
        };
    }

    private static NpgsqlDbType? NullType(Type type) =>
        type == typeof(string) ? NpgsqlDbType.Text
        : type == typeof(Guid) ? NpgsqlDbType.Uuid
        : type == typeof(DateTimeOffset) ? NpgsqlDbType.TimestampTz
        : type == typeof(DateOnly) ? NpgsqlDbType.Date
        : type == typeof(int) ? NpgsqlDbType.Integer
        : type == typeof(long) ? NpgsqlDbType.Bigint
        : type == typeof(bool) ? NpgsqlDbType.Boolean
        : null;
}
