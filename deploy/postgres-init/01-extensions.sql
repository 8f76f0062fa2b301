-- Runs once when the compose PostgreSQL volume is created.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE DATABASE n8n;
