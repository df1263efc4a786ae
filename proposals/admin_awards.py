"""(filled by its feature)"""
