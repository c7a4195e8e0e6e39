-- Virtuoso 7: the anonymous user of /sparql (named SPARQL) may read and nothing else.
-- Run as dba after the first start (again after an upgrade; it can run any number of times):
--   isql-vt 1111 dba docs/virtuoso-read-only.sql
-- SPARQL_UPDATE: INSERT, DELETE, LOAD, CLEAR. SPARQL_SPONGE: fetching FROM IRIs from the web.
-- SPARQL_LOAD_SERVICE_DATA: SERVICE (federated queries sent by the server). A new database of
-- Virtuoso 7.2 also puts that role inside SPARQL_SELECT, yet SPARQL may not read the views
-- SERVICE needs (error SQ070): tests/test_virtuoso.py checks that SERVICE, sponging and
-- every update are refused to the anonymous user after this script.
CREATE PROCEDURE DB.DBA.TN_KG_REVOKE (IN grantee_name VARCHAR, IN role_name VARCHAR)
{
  IF (EXISTS (SELECT 1 FROM DB.DBA.SYS_ROLE_GRANTS
              WHERE GI_DIRECT = 1
                AND GI_SUPER = (SELECT U_ID FROM DB.DBA.SYS_USERS WHERE U_NAME = grantee_name)
                AND GI_SUB = (SELECT U_ID FROM DB.DBA.SYS_USERS WHERE U_NAME = role_name)))
    DB.DBA.USER_REVOKE_ROLE (grantee_name, role_name);
};
DB.DBA.TN_KG_REVOKE ('SPARQL', 'SPARQL_UPDATE');
DB.DBA.TN_KG_REVOKE ('SPARQL', 'SPARQL_SPONGE');
DB.DBA.TN_KG_REVOKE ('SPARQL', 'SPARQL_LOAD_SERVICE_DATA');
DROP PROCEDURE DB.DBA.TN_KG_REVOKE;
