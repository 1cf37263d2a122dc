using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Inventory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "EgressDaily",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    SourceHost = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    DestinationHost = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    Registry = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EgressDaily", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EgressDaily_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "EgressObservations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LineHash = table.Column<string>(type: "TEXT", unicode: false, maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    SourceHost = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    DestinationHost = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    BatchId = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EgressObservations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EgressObservations_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "InventoryRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    NaturalKey = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Provider = table.Column<int>(type: "INTEGER", nullable: true),
                    CloudAccount = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Vpc = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    Region = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Endpoint = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Hostname = table.Column<string>(type: "TEXT", maxLength: 253, nullable: true),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Version = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Product = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Ports = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    BusinessUnitId = table.Column<int>(type: "INTEGER", nullable: true),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    MatchedClusterId = table.Column<int>(type: "INTEGER", nullable: true),
                    MatchedBy = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastBatchId = table.Column<long>(type: "INTEGER", nullable: true),
                    EvidenceJson = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InventoryRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InventoryRecords_BusinessUnits_BusinessUnitId",
                        column: x => x.BusinessUnitId,
                        principalTable: "BusinessUnits",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_InventoryRecords_Clusters_MatchedClusterId",
                        column: x => x.MatchedClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_InventoryRecords_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_EgressDaily_Day_OwnerTeamId_SourceHost_DestinationHost",
                table: "EgressDaily",
                columns: new[] { "Day", "OwnerTeamId", "SourceHost", "DestinationHost" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EgressDaily_OwnerTeamId",
                table: "EgressDaily",
                column: "OwnerTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_EgressObservations_At",
                table: "EgressObservations",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_EgressObservations_LineHash",
                table: "EgressObservations",
                column: "LineHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EgressObservations_OwnerTeamId",
                table: "EgressObservations",
                column: "OwnerTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_BusinessUnitId",
                table: "InventoryRecords",
                column: "BusinessUnitId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_Kind_LastSeenAt",
                table: "InventoryRecords",
                columns: new[] { "Kind", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_Kind_NaturalKey",
                table: "InventoryRecords",
                columns: new[] { "Kind", "NaturalKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_MatchedClusterId",
                table: "InventoryRecords",
                column: "MatchedClusterId");

            migrationBuilder.CreateIndex(
                name: "IX_InventoryRecords_OwnerTeamId_Kind",
                table: "InventoryRecords",
                columns: new[] { "OwnerTeamId", "Kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EgressDaily");

            migrationBuilder.DropTable(
                name: "EgressObservations");

            migrationBuilder.DropTable(
                name: "InventoryRecords");
        }
    }
}
