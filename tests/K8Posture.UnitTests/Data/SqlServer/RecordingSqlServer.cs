using System.Data;
using System.Data.Common;
using K8Posture.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace K8Posture.UnitTests.Data.SqlServer;

/// <summary>
/// SQL Server contexts that never reach a server: EF builds every command exactly as for Azure SQL, and interceptors
/// hand it a command that records its text instead of sending it. Reads answer with no rows (a single 0 or false where
/// EF expects exactly one row), writes with 0 rows affected, transactions commit nothing.
/// </summary>
internal sealed class RecordingSqlServer : IDbContextFactory<K8PostureDbContext>
{
    // Never resolved: no connection is opened.
    private const string ConnectionString = "Server=tcp:k8p-no-server.invalid,1433;Database=K8Posture;Authentication=Active Directory Managed Identity;Encrypt=True";

    private readonly DataScope _scope;

    public RecordingSqlServer(DataScope scope) => _scope = scope;

    public List<string> Commands { get; } = [];

    public SqlServerK8PostureDbContext Open() =>
        new(new DbContextOptionsBuilder<SqlServerK8PostureDbContext>()
            .UseSqlServer(ConnectionString)
            .AddInterceptors(new NoServer(Commands))
            .Options, _scope);

    public K8PostureDbContext CreateDbContext() => Open();

    private sealed class NoServer(List<string> commands) : IDbConnectionInterceptor, IDbCommandInterceptor, IDbTransactionInterceptor
    {
        public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
            InterceptionResult.Suppress();

        public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult.Suppress());

        public InterceptionResult<DbCommand> CommandCreating(CommandCorrelatedEventData eventData, InterceptionResult<DbCommand> result) =>
            InterceptionResult<DbCommand>.SuppressWithResult(new RecordingCommand(commands));

        public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result) =>
            InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection));

        public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection)));
    }

    private sealed class NoTransaction(DbConnection connection) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;
        protected override DbConnection DbConnection => connection;
        public override void Commit() { }
        public override void Rollback() { }
    }

    private sealed class RecordingCommand(List<string> commands) : DbCommand
    {
        // SqlParameters, because EF's SQL Server type mappings configure them as such.
        private readonly SqlParameterCollection _parameters = new SqlCommand().Parameters;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string CommandText { get; set; } = "";
        public override int CommandTimeout { get; set; }
        public override CommandType CommandType { get; set; } = CommandType.Text;
        public override bool DesignTimeVisible { get; set; }
        public override UpdateRowSource UpdatedRowSource { get; set; }
        protected override DbConnection? DbConnection { get; set; }
        protected override DbParameterCollection DbParameterCollection => _parameters;
        protected override DbTransaction? DbTransaction { get; set; }

        public override void Cancel() { }
        public override void Prepare() { }
        protected override DbParameter CreateDbParameter() => new SqlParameter();

        public override int ExecuteNonQuery()
        {
            commands.Add(CommandText);
            return 0;
        }

        public override object? ExecuteScalar()
        {
            commands.Add(CommandText);
            return null;
        }

        protected override DbDataReader ExecuteDbDataReader(CommandBehavior behavior)
        {
            commands.Add(CommandText);
            var table = new DataTable();
            // Queries whose answer is exactly one row (a COUNT, an EXISTS, the app lock's return code) get one.
            var sql = CommandText.TrimStart();
            if (sql.StartsWith("SELECT CASE", StringComparison.Ordinal) && sql.Contains("EXISTS (", StringComparison.Ordinal))
            {
                table.Columns.Add("Value", typeof(bool));
                table.Rows.Add(false);
            }
            else if (sql.StartsWith("SELECT COUNT(*)", StringComparison.Ordinal) || sql.Contains("sp_getapplock", StringComparison.Ordinal))
            {
                table.Columns.Add("Value", typeof(int));
                table.Rows.Add(0);
            }
            return table.CreateDataReader();
        }
    }
}
