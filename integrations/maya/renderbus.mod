+ renderbus 1.0 /path/to/integrations/maya
