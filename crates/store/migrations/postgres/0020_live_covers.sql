-- A live's cover: the picture its announcement and its player show before
-- the stream plays (a JPEG in the object store).
ALTER TABLE lives ADD COLUMN cover_key TEXT;
