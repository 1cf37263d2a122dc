using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ClusterCollection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ConnectionSecretProtected",
                table: "Clusters",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "KubeconfigContext",
                table: "Clusters",
                type: "TEXT",
                maxLength: 253,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastAttemptAt",
                table: "Clusters",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastDurationMs",
                table: "Clusters",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "Clusters",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "LastSuccessAt",
                table: "Clusters",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ObjectCountsJson",
                table: "Clusters",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "OwnerTeamId",
                table: "Clusters",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RefreshIntervalMinutes",
                table: "Clusters",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ServerUrl",
                table: "Clusters",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ServerVersion",
                table: "Clusters",
                type: "TEXT",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConnectionSecretProtected",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "KubeconfigContext",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "LastAttemptAt",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "LastDurationMs",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "LastSuccessAt",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ObjectCountsJson",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "OwnerTeamId",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "RefreshIntervalMinutes",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServerUrl",
                table: "Clusters");

            migrationBuilder.DropColumn(
                name: "ServerVersion",
                table: "Clusters");
        }
    }
}
