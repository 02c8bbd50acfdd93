using System.Data;
using System.Data.Common;

namespace Matchmaker.Silo.Data;

/// <summary>
/// What a node's background loop that reads the database lives through, logs and tries again after: the database's own
/// errors, a timeout, a connection cut off, and Dapper's <see cref="DataException"/>, which wraps whatever failed while a
/// row was being read (a connection lost in the middle of a row, a value that does not convert). An exception left out
/// here ends the loop's host, so a moment without the database would stop the whole node.
/// </summary>
public static class DatabaseFailure
{
    public static bool IsPassing(Exception e) => e is DbException or DataException or TimeoutException or IOException;
}
