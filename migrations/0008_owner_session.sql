-- The owner's session generation (issue 14, item 5). A session cookie is signed for the
-- generation current when it was made; logging out moves the generation on, so every cookie
-- made before stops working, on every device, including a copy taken from a browser.
CREATE TABLE owner_session (
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),  -- one row per deployment
    generation  INTEGER NOT NULL
);
INSERT INTO owner_session (id, generation) VALUES (1, 0);
