-- Where an imported product photo came from (its web address, or file:name),
-- so importing the same sheet again adds nothing. Uploaded photos have none.
ALTER TABLE product_images ADD COLUMN source TEXT;
