<?xml version="1.0" encoding="utf-8"?>{% load static %}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" doctype-system="about:legacy-compat"/>
  <xsl:template match="/">
    <xsl:variable name="title" select="rss/channel/title | atom:feed/atom:title"/>
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="color-scheme" content="light dark"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="{% static 'css/board.css' %}"/>
      </head>
      <body>
        <main id="main" class="feed-preview">
          <p class="notice"><strong>This is a feed.</strong> Copy this page's address into your feed reader to get every new entry of {{ site_name }} as it is published. <a href="https://aboutfeeds.com/">What is a feed?</a></p>
          <h1><xsl:value-of select="$title"/></h1>
          <p><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
          <p><a href="{% url 'items:home' %}">Read {{ site_name }} on the web</a></p>
          <h2>Latest entries</h2>
          <ol class="feed-entries">
            <xsl:for-each select="rss/channel/item | atom:feed/atom:entry">
              <li>
                <a>
                  <xsl:attribute name="href"><xsl:value-of select="link | atom:link/@href"/></xsl:attribute>
                  <xsl:value-of select="title | atom:title"/>
                </a>
                <xsl:text> </xsl:text>
                <span class="count"><xsl:value-of select="substring(pubDate, 1, 16)"/><xsl:value-of select="substring(atom:published | atom:updated, 1, 10)"/></span>
              </li>
            </xsl:for-each>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>
</xsl:stylesheet>
