using System.Xml.Linq;
using Dapper;
using Matchmaker.Silo.Data;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Matchmaker.Silo.Access;

/// <summary>
/// The data-protection key ring in the database, so every node of a cluster reads the same keys (a cookie or form from
/// one node is accepted by another) and the keys travel with the database's backups. The key manager hands us each key
/// already encrypted (<see cref="KeyRing"/>); we only keep and return the XML.
/// </summary>
public sealed class DatabaseKeyRepository(Database database, TimeProvider clock) : IXmlRepository
{
    // IXmlRepository is synchronous. The key manager calls it at start-up, about once a day to refresh, and when a
    // cookie names a key it has not seen yet (another node just made it): rarely enough to wait on the pool here.
    public IReadOnlyCollection<XElement> GetAllElements() => Task.Run(ReadAsync).GetAwaiter().GetResult();

    public void StoreElement(XElement element, string friendlyName) =>
        Task.Run(() => StoreAsync(element, friendlyName)).GetAwaiter().GetResult();

    private async Task<IReadOnlyCollection<XElement>> ReadAsync()
    {
        await using var connection = await database.OpenAsync();
        var rows = await connection.QueryAsync<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name");
        return rows.Select(xml => XElement.Parse(xml)).ToList();
    }

    private async Task StoreAsync(XElement element, string friendlyName)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginWriteAsync(connection);
        // Friendly names are "key-{guid}": two nodes making a key at once write two rows, and both keys are valid.
        await connection.ExecuteAsync("""
            INSERT INTO data_protection_keys (friendly_name, xml, created_at)
            VALUES (@friendlyName, @xml, @now)
            """, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow() }, transaction);
        await transaction.CommitAsync();
    }
}
